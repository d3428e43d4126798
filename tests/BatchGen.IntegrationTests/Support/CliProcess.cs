using System.Diagnostics;
using System.Text;

namespace BatchGen.IntegrationTests.Support;

/// <summary>The result of one CLI run.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr);

/// <summary>Runs the real CLI (batchgen.dll next to the tests) as a child process.</summary>
public static class CliProcess
{
    /// <summary>
    /// The CLI as its own project built it (src/BatchGen.Cli/bin/&lt;configuration&gt;/net10.0), with its own deps file:
    /// the copy next to the tests resolves framework assemblies differently.
    /// </summary>
    public static string CliDll { get; } = FindCli();

    private static string FindCli()
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = baseDirectory.Name;
        var configuration = baseDirectory.Parent!.Name;
        for (var dir = baseDirectory; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BatchGen.sln")))
            {
                var dll = Path.Combine(dir.FullName, "src", "BatchGen.Cli", "bin", configuration, framework, "batchgen.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"the CLI is not built: {dll}");
            }
        }

        throw new DirectoryNotFoundException($"no BatchGen.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// Starts the CLI with its input closed; the caller owns the child and disposes it (which kills the whole tree if
    /// it still runs).
    /// </summary>
    public static CliChild Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = ChildProcesses.Start(info);
        process.StandardInput.Close();
        return new CliChild(process, $"batchgen {string.Join(' ', args)}");
    }

    /// <summary>
    /// Runs the CLI to completion (at most <paramref name="timeout"/>, default 3 minutes: generous, for a busy
    /// machine). The child is killed, whole tree, whatever happens.
    /// </summary>
    public static async Task<CliResult> RunAsync(
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        string[] args,
        TimeSpan? timeout = null)
    {
        await using var child = Start(workingDirectory, environment, args);
        var exitCode = await child.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(3));
        return new CliResult(exitCode, child.StdOut, child.StdErr);
    }

    public static Task<CliResult> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, null, args);
}
