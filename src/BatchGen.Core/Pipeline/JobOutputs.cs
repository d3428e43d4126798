using BatchGen.Core.Downloads;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Media;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// The output files of one job: output 1 at the job's path, output N beside it as <c>name-N.mp4</c>. Jobs written
/// before output records existed (or with none yet) fall back to the job row's single result.
/// </summary>
internal static class JobOutputs
{
    /// <summary>The job's recorded outputs, or output 1 built from the job row when none is recorded.</summary>
    public static IReadOnlyList<LedgerOutput> Of(LedgerJob job)
    {
        if (job.Outputs.Count > 0)
        {
            return job.Outputs;
        }

        if (job.ResultUrl is null && job.FilePath is null)
        {
            return [];
        }

        var saved = job.State == JobState.Succeeded;
        return
        [
            new LedgerOutput
            {
                Index = 1,
                ResultUrl = job.ResultUrl,
                FilePath = saved ? job.FilePath : null,
                Bytes = saved ? job.Bytes : null,
                Sha256 = saved ? job.Sha256 : null,
            },
        ];
    }

    /// <summary>Fresh result URLs, by index, keeping what is recorded about each output's file.</summary>
    public static List<LedgerOutput> WithUrls(IReadOnlyList<LedgerOutput> recorded, IReadOnlyList<Uri> urls)
    {
        var merged = new List<LedgerOutput>(Math.Max(urls.Count, recorded.Count));
        for (var i = 0; i < urls.Count; i++)
        {
            var known = recorded.FirstOrDefault(o => o.Index == i + 1);
            merged.Add((known ?? new LedgerOutput { Index = i + 1 }) with { ResultUrl = urls[i].ToString() });
        }

        // A recorded output the provider no longer lists keeps its record (and has no URL to download it again).
        merged.AddRange(recorded.Where(o => o.Index > urls.Count).Select(o => o with { ResultUrl = null }));
        return merged;
    }

    /// <summary>Where an output's file goes, relative to the output directory.</summary>
    public static string PathOf(JobSpec spec, LedgerOutput output) =>
        output.FilePath ?? (output.Index == 1 ? spec.OutputPath : ExtraPath(spec.OutputPath, output.Index));

    /// <summary>"videos/a.mp4", 2 gives "videos/a-2.mp4".</summary>
    public static string ExtraPath(string relativePath, int index)
    {
        var slash = relativePath.LastIndexOf('/');
        var dot = relativePath.LastIndexOf('.');
        return dot > slash
            ? $"{relativePath[..dot]}-{index}{relativePath[dot..]}"
            : $"{relativePath}-{index}";
    }

    /// <summary>What every output of the job is checked against: its duration and the frame size its resolution and aspect stand for.</summary>
    public static ExpectedVideo Expected(RunContext context, JobSpec spec)
    {
        var (width, height) = FrameSize.For(spec.Parameters.Resolution, spec.Parameters.AspectRatio);
        return context.Expected(spec.Parameters.Duration, width, height);
    }

    /// <summary>The record of a verified file, with its frame size and duration when the check read them.</summary>
    public static LedgerOutput Saved(LedgerOutput output, DownloadOutcome outcome) => output with
    {
        FilePath = outcome.RelativePath,
        Bytes = outcome.Bytes,
        Sha256 = outcome.Sha256,
        Width = outcome.Video?.Width ?? output.Width,
        Height = outcome.Video?.Height ?? output.Height,
        DurationSeconds = outcome.Video?.Seconds ?? output.DurationSeconds,
        FileModifiedNs = outcome.Stamp?.ModifiedNs,
        FileInode = outcome.Stamp?.Inode,
    };
}
