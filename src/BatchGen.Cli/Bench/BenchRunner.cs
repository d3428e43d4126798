namespace BatchGen.Cli.Bench;

/// <summary>
/// Runs the chosen scenarios one after the other (never together: each one measures the machine alone). The scratch
/// directory is deleted once, after the last scenario: deleting a scenario's thousands of videos before the next one
/// starts made that one's client pay for it on a filesystem without a journal (ext4 then scans the inodes freed in the
/// last minutes for every file it creates: 15-28% of the client's CPU was seen there).
/// </summary>
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
                // Only what the scenarios made, then the scratch directory if nothing else is in it (it may be the user's --work).
                foreach (var scenario in options.Scenarios)
                {
                    TryDelete(Path.Combine(options.WorkDirectory, scenario.Name), recursive: true);
                }

                TryDelete(options.WorkDirectory, recursive: false);
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

    private static void TryDelete(string directory, bool recursive)
    {
        try
        {
            if (Directory.Exists(directory) && (recursive || !Directory.EnumerateFileSystemEntries(directory).Any()))
            {
                Directory.Delete(directory, recursive);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Scratch space: a leftover is harmless.
        }
    }
}
