using System.Collections.Concurrent;
using System.Globalization;
using BatchGen.Simulator.H264;

namespace BatchGen.Simulator;

/// <summary>
/// The parts of a simulated video that depend only on its class (frame size, duration, minimum size): parameter sets
/// and the P pictures of the pan, which are the same for every task of the class. Only the first (I_PCM) picture
/// differs per task. Both are cached (bounded) so serving stays a memory copy.
/// </summary>
internal sealed class SyntheticVideo
{
    public const int FramesPerSecond = 24;

    private const int MaxClasses = 32;
    private const long MaxCachedFirstPictureBytes = 64L * 1024 * 1024;

    private static readonly ConcurrentDictionary<VideoClassKey, Lazy<SyntheticVideo>> Classes = new();
    private static readonly ConcurrentDictionary<string, byte[]> FirstPictures = new(StringComparer.Ordinal);
    private static long cachedFirstPictureBytes;

    private readonly ConcurrentDictionary<(int IdrSize, Mp4Damage Damage), byte[]> _headers = new();
    private readonly byte[]? _flatIdr;

    private SyntheticVideo(VideoClassKey key)
    {
        Key = key;
        Encoder = new H264Encoder(key.Width, key.Height, FramesPerSecond);
        Sps = Encoder.SequenceParameterSet();
        Pps = H264Encoder.PictureParameterSet();
        var frames = Math.Max(1, key.DurationSeconds * FramesPerSecond);
        var pictures = new List<byte[]>(frames - 1);
        var previous = (X: 0, Y: 0);
        for (var k = 1; k < frames; k++)
        {
            if (key.Flat)
            {
                pictures.Add(Encoder.SkippedSlice(k));
                continue;
            }

            var now = VideoPicture.PanOffset(k, key.Width, key.Height);
            pictures.Add(Encoder.PredictedSlice(k, now.X - previous.X, now.Y - previous.Y));
            previous = now;
        }

        _flatIdr = key.Flat ? Encoder.FlatIdrSlice() : null;
        var idrEstimate = (Encoder.WidthInMbs * Encoder.HeightInMbs * 386) + 64;
        var natural = idrEstimate + pictures.Sum(p => p.Length + 4L);
        var fillerEach = pictures.Count == 0 ? 0 : (int)Math.Min(int.MaxValue / 2, Math.Max(0, key.MinimumBytes - natural) / pictures.Count);
        var samples = pictures.Select(p => fillerEach >= 6 ? Mp4Muxer.Sample(p, H264Encoder.Filler(fillerEach - 4)) : Mp4Muxer.Sample(p)).ToList();
        TailSampleSizes = [.. samples.Select(s => s.Length)];
        Tail = new byte[samples.Sum(s => (long)s.Length)];
        var at = 0;
        foreach (var s in samples)
        {
            s.CopyTo(Tail, at);
            at += s.Length;
        }
    }

    public VideoClassKey Key { get; }

    public H264Encoder Encoder { get; }

    public byte[] Sps { get; }

    public byte[] Pps { get; }

    /// <summary>Every sample after the first, back to back (length-prefixed NAL units).</summary>
    public byte[] Tail { get; }

    public IReadOnlyList<int> TailSampleSizes { get; }

    public static SyntheticVideo For(VideoClassKey key)
    {
        if (Classes.Count > MaxClasses)
        {
            Classes.Clear();
        }

        return Classes.GetOrAdd(key, k => new Lazy<SyntheticVideo>(() => new SyntheticVideo(k))).Value;
    }

    /// <summary>The first sample (the IDR picture) for a label: drawn and encoded once, then cached.</summary>
    public byte[] FirstSample(VideoLabel label, string cacheKey)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (_flatIdr is not null)
        {
            // A few hundred bytes to build: not cached. The SEI makes every task's file its own.
            var text = string.Create(CultureInfo.InvariantCulture, $"batchgen-sim {label.Provider} task {label.TaskId} seed {label.Seed?.ToString(CultureInfo.InvariantCulture) ?? "-"} style {label.Style ?? "-"} {cacheKey}");
            return Mp4Muxer.Sample(H264Encoder.UserDataSei(text), _flatIdr);
        }

        var key = $"{Key}|{cacheKey}";
        if (FirstPictures.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var picture = VideoPicture.Draw(Key.Width, Key.Height, Key.DurationSeconds, label);
        var sample = Mp4Muxer.Sample(Encoder.IdrSlice(picture));
        if (Interlocked.Add(ref cachedFirstPictureBytes, sample.Length) > MaxCachedFirstPictureBytes)
        {
            FirstPictures.Clear();
            Interlocked.Exchange(ref cachedFirstPictureBytes, sample.Length);
        }

        return FirstPictures.GetOrAdd(key, sample);
    }

    /// <summary>ftyp + moov + the mdat header for a first sample of <paramref name="firstSampleSize"/> bytes.</summary>
    public byte[] Header(int firstSampleSize, Mp4Damage damage) =>
        _headers.GetOrAdd((firstSampleSize, damage), k => Mp4Muxer.Header(Encoder, Sps, Pps, [k.IdrSize, .. TailSampleSizes], k.Damage));
}

/// <summary>
/// A class of simulated videos: the same size, duration and minimum byte count share all but the first picture.
/// <paramref name="Flat"/>: a still grey picture (<c>video_content: flat</c>) instead of the labelled, panning one.
/// </summary>
internal readonly record struct VideoClassKey(int Width, int Height, int DurationSeconds, long MinimumBytes, bool Flat = false);
