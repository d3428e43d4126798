using System.Diagnostics;
using System.Text;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Reports;

/// <summary>Runs Debian's chromium headless with no network features, in a fresh profile, with a time limit.</summary>
internal static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    public static void EnsureInstalled()
    {
        if (!File.Exists(Executable))
        {
            Assert.Fail($"{Executable} is missing: install the Debian 'chromium' package (scripts/install-deps.sh does) to run the contact sheet browser test.");
        }
    }

    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(string profileDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--mute-audio", $"--user-data-dir={profileDirectory}",
        }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = ChildProcesses.Start(info);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(120));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("chromium did not finish within 120 s");
            }

            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            // Chromium starts helper processes (zygote, GPU, renderers): none may outlive the test.
            await ChildProcesses.KillTreeAsync(process);
        }
    }
}
