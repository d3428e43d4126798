using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;
using BatchGen.Core.Reviews;

namespace BatchGen.Cli.Review;

/// <summary>
/// What the review app works on: a batch's ledger (re-read on each request, so a run still writing it shows its new
/// videos), its output directory (the only place videos are served from), and the store votes and ratings go to.
/// </summary>
internal sealed class ReviewBatch(string name, Ledger.LedgerTarget ledger, string outputDirectory, IReviewStore store)
{
    public string Name { get; } = name;

    /// <summary>Where the batch's ledger is (re-read on each request).</summary>
    public Ledger.LedgerTarget Ledger { get; } = ledger;

    public string OutputDirectory { get; } = Path.GetFullPath(outputDirectory);

    public IReviewStore Store { get; } = store;

    /// <summary>Every job of the ledger and the report dimensions (manifest axes, then provider).</summary>
    public async Task<(IReadOnlyList<LedgerJob> Jobs, IReadOnlyList<string> Dimensions)> ReadAsync(CancellationToken cancellationToken)
    {
        var jobs = await LedgerLocator.ReadAllJobsAsync(Ledger, cancellationToken).ConfigureAwait(false);
        var sorted = jobs.OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        return (sorted, JobAxes.Dimensions(ResultColumns.InferAxes(sorted)));
    }

    /// <summary>
    /// The file of a job's video when it lies inside the output directory, symlinks resolved; null otherwise. Only
    /// job ids come from the browser, never paths, and the ledger's path is checked again here.
    /// </summary>
    public string? VideoPath(LedgerJob job)
    {
        if (string.IsNullOrEmpty(job.FilePath))
        {
            return null;
        }

        var root = RealPath(OutputDirectory);
        var candidate = Path.GetFullPath(Path.Combine(OutputDirectory, job.FilePath));
        if (!File.Exists(candidate))
        {
            return null;
        }

        var real = RealPath(candidate);
        return IsInside(real, root) ? real : null;
    }

    private static bool IsInside(string path, string root) =>
        path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link along it resolved.</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.DirectorySeparatorChar.ToString();
        for (var i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                current = Path.GetFullPath(target.FullName);
            }
        }

        return current;
    }
}
