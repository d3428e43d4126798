using System.Diagnostics;
using Xunit.Abstractions;

namespace BatchGen.IntegrationTests.Nightly;

/// <summary>deploy/: the systemd units pass `systemd-analyze verify` (where the tool exists), and say what the README promises.</summary>
public sealed class DeployFilesTests(ITestOutputHelper output)
{
    private static string Deploy => Path.Combine(NightlyRunTests.RepoRoot(), "deploy");

    [Fact]
    public void Units_SayPersistentStopTimeoutAndEnvironmentFile()
    {
        var service = File.ReadAllText(Path.Combine(Deploy, "systemd", "batchgen-nightly.service"));
        var timer = File.ReadAllText(Path.Combine(Deploy, "systemd", "batchgen-nightly.timer"));

        timer.ShouldContain("Persistent=true");
        service.ShouldContain("EnvironmentFile=");
        service.ShouldContain("KillSignal=SIGINT");
        service.ShouldMatch(@"TimeoutStopSec=(\d+)");
        File.ReadAllText(Path.Combine(Deploy, "crontab")).ShouldContain("batchgen run");
    }

    [Fact]
    public async Task Units_PassSystemdAnalyzeVerify()
    {
        var tool = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        if (tool is null || !OperatingSystem.IsLinux())
        {
            output.WriteLine("skipped: systemd-analyze is not installed here (apt-get install systemd)");
            return;
        }

        using var dir = new TempDirectory();
        // The unit's ExecStart must exist for verify: a stand-in batchgen in the copy.
        var fake = dir.Write("bin/batchgen", "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var service = (await File.ReadAllTextAsync(Path.Combine(Deploy, "systemd", "batchgen-nightly.service"))).Replace("/usr/local/bin/batchgen", fake, StringComparison.Ordinal);
        var servicePath = dir.Write("batchgen-nightly.service", service);
        var timerPath = dir.Write("batchgen-nightly.timer", await File.ReadAllTextAsync(Path.Combine(Deploy, "systemd", "batchgen-nightly.timer")));

        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "verify", servicePath, timerPath })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var errors = await stderr + await stdout;
        output.WriteLine(errors);
        process.ExitCode.ShouldBe(0, errors);
        // verify reports unknown keys and bad values as warnings naming the file, with exit 0.
        errors.ShouldNotContain("batchgen-nightly");
    }
}
