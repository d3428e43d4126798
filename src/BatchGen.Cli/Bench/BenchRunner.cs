namespace BatchGen.Cli.Bench;

/// <summary>Runs the chosen scenarios one after the other (never together: each one measures the machine alone).</summary>
internal sealed class BenchRunner(BenchOptions options, TimeProvider time, TextWriter progress)
{
    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        // Read first: the commit is the one the binaries were built from only if nobody commits during the bench.
        var machine = await MachineProbe.ReadAsync(time, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(options.WorkDirectory);
        var results = new List<ScenarioResult>();
        var runner = new ScenarioRunner(options, time, progress);
        try
        {
            foreach (var scenario in options.Scenarios)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    results.Add(await runner.RunAsync(scenario, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException or HttpRequestException or System.Text.Json.JsonException)
                {
                    await progress.WriteLineAsync($"  {scenario.Name}: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
                    results.Add(Failed(scenario, ex.Message));
                }
            }
        }
        finally
        {
            if (!options.Keep)
            {
                TryDelete(options.WorkDirectory);
            }
        }

        return new BenchReport(options.Suite, options.TimeScale, machine with { LoadAverageAtEnd = MachineProbe.LoadAverage() }, results);
    }

    private static ScenarioResult Failed(BenchScenario scenario, string error) => new()
    {
        Name = scenario.Name,
        Purpose = scenario.Description,
        Jobs = scenario.Jobs,
        ExitCode = ExitCodes.JobsFailed,
        Error = error,
        BoundSeconds = 0,
        WallSeconds = 0,
        SucceededJobs = 0,
        ApiRequests = 0,
        Throttled = 0,
        ClientCpuSeconds = 0,
        ClientPeakRssBytes = 0,
        LedgerBytes = 0,
        LoadAverageAtStart = MachineProbe.LoadAverage(),
        LoadAverageAtEnd = MachineProbe.LoadAverage(),
        Providers = [],
    };

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
        catch (IOException)
        {
            // Scratch space: a leftover is harmless.
        }
    }
}
