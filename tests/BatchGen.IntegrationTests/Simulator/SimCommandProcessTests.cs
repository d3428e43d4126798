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
        await using var sim = CliProcess.Start(dir.Path, null, "sim", "--port", "0");
        await sim.WaitForLineAsync(l => l.StartsWith("Press Ctrl+C", StringComparison.Ordinal), SimulatorProcess.StartTimeout);
        sim.StdOut.ShouldContain("/segmind");

        await sim.SignalAsync(signal);

        (await sim.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, sim.StdErr);
        sim.StdOut.ShouldContain("Simulator stopped.");
    }

    [Fact]
    public async Task Sim_PortZero_FirstLineNamesTheBoundAddress()
    {
        using var dir = new TempDirectory();
        await using var sim = CliProcess.Start(dir.Path, null, "sim", "--port", "0");
        var line = await sim.WaitForLineAsync(l => l.Length > 0, SimulatorProcess.StartTimeout);

        var match = System.Text.RegularExpressions.Regex.Match(line, @"^BatchGen simulator listening on http://127\.0\.0\.1:(?<port>[0-9]+)/ ");
        match.Success.ShouldBeTrue(line);
        var port = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
        port.ShouldBeGreaterThan(0);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/_sim/stats"));
        response.IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task Sim_AppSettingsInTheWorkingDirectory_IsNeitherReadNorWatched()
    {
        // A user's unrelated appsettings.json asking for one more endpoint; and a watcher on the working directory
        // would wake the simulator on every video a run writes beneath it.
        using var dir = new TempDirectory();
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var extraPort = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        dir.Write("appsettings.json", $$"""{ "Kestrel": { "Endpoints": { "Extra": { "Url": "http://127.0.0.1:{{extraPort}}" } } } }""");
        await using var sim = CliProcess.Start(dir.Path, null, "sim", "--port", "0");
        await sim.WaitForLineAsync(l => l.StartsWith("Press Ctrl+C", StringComparison.Ordinal), SimulatorProcess.StartTimeout);

        var descriptors = Directory.GetFiles($"/proc/{sim.Id}/fd").Select(fd => new FileInfo(fd).LinkTarget).ToList();
        descriptors.ShouldNotBeEmpty();
        descriptors.ShouldNotContain("anon_inode:inotify");
        using var client = new System.Net.Sockets.TcpClient();
        await Should.ThrowAsync<System.Net.Sockets.SocketException>(() => client.ConnectAsync(System.Net.IPAddress.Loopback, extraPort));
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
