namespace BatchGen.Cli.Bench;

/// <summary>The parsed options of <c>batchgen bench</c>.</summary>
internal sealed record BenchOptions
{
    public required string Suite { get; init; }

    public required IReadOnlyList<BenchScenario> Scenarios { get; init; }

    public double TimeScale { get; init; } = BenchSuite.DefaultTimeScale;

    /// <summary>Where the Markdown and JSON results go; null = do not write them (printed only).</summary>
    public string? ResultsDirectory { get; init; }

    /// <summary>Scratch space for manifests, ledgers and videos (deleted at the end unless <see cref="Keep"/>).</summary>
    public required string WorkDirectory { get; init; }

    public bool Keep { get; init; }

    /// <summary>Runs the finished batch a second time and times it.</summary>
    public bool Rerun { get; init; } = true;

    /// <summary>Interval of the client's CPU and memory samples.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}
