using System.Diagnostics;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Simulator;

/// <summary>The real <c>batchgen sim</c> process: it serves until a signal, then stops cleanly with exit code 0.</summary>
public sealed class SimCommandProcessTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Sim_Signal_StopsCleanlyWithExitCode0(string signal)
    {
        using var dir = new TempDirectory();
        using var process = CliProcess.Start(dir.Path, null, "sim", "--port", "0");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var lines = new List<string>();
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
                {
                    break;
                }
            }

            lines.ShouldContain(l => l.Contains("/segmind", StringComparison.Ordinal));
            using (var kill = Process.Start("kill", $"-{signal} {process.Id}"))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            var rest = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);

            process.ExitCode.ShouldBe(0);
            rest.ShouldContain("Simulator stopped.");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Sim_BadScenario_PrintsOneLineAndExits2()
    {
        using var dir = new TempDirectory();
        dir.Write("s.yaml", "providers:\n  magnific:\n    max_concurrent_tasks: 0\n");
        var result = await CliProcess.RunAsync(dir.Path, "sim", "--port", "0", "--scenario", "s.yaml");

        result.ExitCode.ShouldBe(2);
        result.StdErr.Trim().ShouldBe("batchgen sim: s.yaml:3:27: providers.magnific.max_concurrent_tasks: must be at least 1, got 0");
    }
}
