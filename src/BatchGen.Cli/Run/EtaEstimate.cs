using BatchGen.Cli.Rendering;

namespace BatchGen.Cli.Run;

/// <summary>
/// The ETA a person reads. Never a clock time that wraps at 24 h, and never 00:00:00 while work is left:
/// "--" until a job of this run finished (nothing to estimate from), "finishing" when the estimate is under a
/// second but jobs are still in flight, "-" when nothing is left.
/// </summary>
internal static class EtaEstimate
{
    public const string NothingLeft = "-";
    public const string Unknown = "--";
    public const string Finishing = "finishing";

    /// <param name="remaining">Jobs still to finish this run (not submitted and in flight; held jobs excluded).</param>
    /// <param name="finishedThisRun">Jobs this run finished (succeeded or failed) since the view started.</param>
    /// <param name="elapsed">Time since the view started.</param>
    public static (string Text, TimeSpan? Value) For(long remaining, long finishedThisRun, TimeSpan elapsed)
    {
        if (remaining <= 0)
        {
            return (NothingLeft, TimeSpan.Zero);
        }

        if (finishedThisRun <= 0 || elapsed <= TimeSpan.Zero)
        {
            return (Unknown, null);
        }

        var seconds = remaining * elapsed.TotalSeconds / finishedThisRun;
        var eta = seconds >= TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.MaxValue / 2 : TimeSpan.FromSeconds(seconds);
        return eta < TimeSpan.FromSeconds(1) ? (Finishing, eta) : (Format.Duration(eta), eta);
    }

    /// <summary>The batch's ETA: providers run in parallel, so the slowest one decides; unknown if any is.</summary>
    public static string Combine(IEnumerable<(string Text, TimeSpan? Value)> etas)
    {
        var list = etas.Where(e => e.Text != NothingLeft).ToList();
        if (list.Count == 0)
        {
            return NothingLeft;
        }

        if (list.Any(e => e.Value is null))
        {
            return Unknown;
        }

        var max = list.Max(e => e.Value!.Value);
        return max < TimeSpan.FromSeconds(1) ? Finishing : Format.Duration(max);
    }
}
