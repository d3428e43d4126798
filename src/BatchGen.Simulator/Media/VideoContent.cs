namespace BatchGen.Simulator;

/// <summary>
/// The bytes of one result file, produced on the fly for any byte range: the MP4 header, then media data that repeats a
/// 64 KiB block drawn from (seed, provider, task, output). The same task always yields the same bytes.
/// </summary>
internal sealed class VideoContent
{
    private const int BlockSize = 64 * 1024;
    private readonly byte[] block;

    public VideoContent(Mp4Layout layout, ulong seed)
    {
        Layout = layout;
        block = new byte[BlockSize];
        var x = seed | 1;
        for (var i = 0; i < BlockSize; i += 8)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            BitConverter.TryWriteBytes(block.AsSpan(i), x);
        }
    }

    public Mp4Layout Layout { get; }

    public long Length => Layout.Length;

    public static VideoContent For(ProviderRuntime provider, SimTask task, int index)
    {
        var (w, h) = task.Video.FrameSize;
        var payload = Mp4Layout.PayloadBytes(w, h, task.Video.DurationSeconds, provider.Scenario.VideoKbps);
        var layout = Mp4Layout.Create(w, h, task.Video.DurationSeconds, payload);
        return new VideoContent(layout, Deterministic.Hash(provider.State.Seed, provider.Name, task.Id, index, "video"));
    }

    /// <summary>Writes bytes [start, start + count) to <paramref name="destination"/>.</summary>
    public async Task WriteAsync(Stream destination, long start, long count, CancellationToken cancellationToken)
    {
        var end = start + count;
        var header = Layout.Header;
        if (start < header.Length)
        {
            var n = (int)Math.Min(header.Length - start, count);
            await destination.WriteAsync(header.AsMemory((int)start, n), cancellationToken).ConfigureAwait(false);
            start += n;
        }

        while (start < end)
        {
            var offsetInBlock = (int)((start - header.Length) % BlockSize);
            var n = (int)Math.Min(BlockSize - offsetInBlock, end - start);
            await destination.WriteAsync(block.AsMemory(offsetInBlock, n), cancellationToken).ConfigureAwait(false);
            start += n;
        }
    }
}
