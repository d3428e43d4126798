namespace BatchGen.Simulator;

/// <summary>
/// The bytes of one result file, served for any byte range without building the whole file: the MP4 header, the
/// task's first picture, then the class's shared P pictures. The same task always yields the same bytes. A damaged
/// variant (fault injection) differs in its header or is cut short.
/// </summary>
internal sealed class VideoContent
{
    private const int WriteSlice = 64 * 1024;

    private readonly byte[][] _parts;

    public VideoContent(byte[] header, byte[] firstSample, byte[] tail, long length)
    {
        _parts = [header, firstSample, tail];
        Length = length;
    }

    public long Length { get; }

    /// <summary>Bytes of media data for a frame size, duration and bitrate (kbit/s at 1280x720, scaled by pixel count).</summary>
    public static long MinimumBytes(int width, int height, int durationSeconds, int kbpsAt720p)
    {
        var pixels = (double)width * height / (1280.0 * 720.0);
        return (long)(kbpsAt720p * 1000.0 / 8.0 * durationSeconds * pixels);
    }

    public static VideoContent For(ProviderRuntime provider, SimTask task, int index, Mp4Damage damage = Mp4Damage.None)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(task);
        var (w, h) = task.Video.OutputFrameSize;
        var d = task.Video.DurationSeconds;
        var label = new VideoLabel(provider.Name, task.Video.Prompt, task.Video.Seed, task.Video.Style, task.Id);
        var cacheKey = $"{provider.State.Seed}|{provider.Name}|{task.Id}|{index}";
        return provider.Scenario.VideoContent == VideoContents.Flat
            ? Create(w, h, d, 0, label, cacheKey, damage, flat: true)
            : Create(w, h, d, MinimumBytes(w, h, d, provider.Scenario.VideoKbps), label, cacheKey, damage);
    }

    /// <param name="flat">A still grey picture, a few KB whatever the size (<c>video_content: flat</c>); no filler.</param>
    public static VideoContent Create(int width, int height, int durationSeconds, long minimumBytes, VideoLabel label, string cacheKey, Mp4Damage damage = Mp4Damage.None, bool flat = false)
    {
        var video = SyntheticVideo.For(new VideoClassKey(width, height, durationSeconds, flat ? 0 : minimumBytes, flat));
        var first = video.FirstSample(label, cacheKey);
        var header = video.Header(first.Length, damage);
        var length = header.LongLength + first.Length + video.Tail.LongLength;
        if (damage == Mp4Damage.TruncatedMdat)
        {
            length = header.Length + ((length - header.Length) / 2);
        }

        return new VideoContent(header, first, video.Tail, length);
    }

    /// <summary>Writes bytes [start, start + count) to <paramref name="destination"/>.</summary>
    public async Task WriteAsync(Stream destination, long start, long count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var end = Math.Min(start + count, Length);
        long partStart = 0;
        foreach (var part in _parts)
        {
            var partEnd = partStart + part.LongLength;
            if (start < partEnd && start < end)
            {
                // In slices, so the response streams while it is written rather than as one large buffer.
                while (start < Math.Min(partEnd, end))
                {
                    var offset = (int)(start - partStart);
                    var n = (int)Math.Min(Math.Min(partEnd, end) - start, WriteSlice);
                    await destination.WriteAsync(part.AsMemory(offset, n), cancellationToken).ConfigureAwait(false);
                    start += n;
                }
            }

            partStart = partEnd;
        }
    }

    /// <summary>The whole file in memory (Segmind's synchronous reply, tests).</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        long at = 0;
        foreach (var part in _parts)
        {
            var n = (int)Math.Min(part.LongLength, Length - at);
            if (n <= 0)
            {
                break;
            }

            part.AsSpan(0, n).CopyTo(bytes.AsSpan((int)at));
            at += n;
        }

        return bytes;
    }
}
