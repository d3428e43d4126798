using BatchGen.Cli.Commands;
using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator;

public sealed class SimCommandTests
{
    [Fact]
    public async Task RunAsync_BadScenario_PrintsOneLineAndExits2()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("bad.yaml", "providers:\n  magnific:\n    faults: { http_500: -1 }\n");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SimCommand.RunAsync(new SimulatorOptions { Port = 0, ScenarioFile = path }, output, error, CancellationToken.None);

        code.ShouldBe(2);
        error.ToString().TrimEnd().ShouldNotContain("\n");
        error.ToString().ShouldContain("bad.yaml:3:");
    }

    [Fact]
    public async Task RunAsync_CancelledToken_PrintsBaseUrlsStopsAndExits0()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var code = await SimCommand.RunAsync(new SimulatorOptions { Port = 0 }, output, error, cts.Token);

        code.ShouldBe(0);
        var text = output.ToString();
        foreach (var name in new[] { "magnific", "gmicloud", "aimlapi", "pixwith", "segmind" })
        {
            text.ShouldContain($"http://127.0.0.1:");
            text.ShouldContain("/" + name);
        }

        text.ShouldContain("Simulator stopped.");
        error.ToString().ShouldBeEmpty();
    }
}
