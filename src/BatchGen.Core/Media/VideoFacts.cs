using System.Globalization;

namespace BatchGen.Core.Media;

/// <summary>
/// What a saved video is (recorded for every output): frame size, duration, codec, and a warning when it differs
/// from what the job asked for. A difference is never a reason to fail a paid video: providers may follow the
/// input image's aspect ratio.
/// </summary>
public sealed record VideoFacts(int Width, int Height, double Seconds, string Codec)
{
    /// <summary>Tolerance on the duration before it is called a mismatch.</summary>
    public const double DurationToleranceSeconds = 0.5;

    /// <summary>One line when the video is not the size or length asked for, else null.</summary>
    public string? Warning { get; init; }

    /// <summary>"16:9", "9:16", "27:40"...: the reduced ratio of the frame size.</summary>
    public string AspectRatio
    {
        get
        {
            var g = Gcd(Width, Height);
            return g == 0 ? "?" : string.Create(CultureInfo.InvariantCulture, $"{Width / g}:{Height / g}");
        }
    }

    /// <summary>"1280x720".</summary>
    public string FrameSize => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");

    /// <summary>The facts of a probed file, with a warning when they differ from the request.</summary>
    public static VideoFacts From(Mp4Info info, int expectedWidth, int expectedHeight, int expectedSeconds)
    {
        ArgumentNullException.ThrowIfNull(info);
        var seconds = Math.Round(info.Duration.TotalSeconds, 3);
        var problems = new List<string>();
        if (info.Width != expectedWidth || info.Height != expectedHeight)
        {
            var facts = new VideoFacts(info.Width, info.Height, seconds, info.Codec);
            var asked = new VideoFacts(expectedWidth, expectedHeight, expectedSeconds, info.Codec);
            problems.Add(facts.AspectRatio == asked.AspectRatio
                ? $"frame size {facts.FrameSize}, asked {asked.FrameSize}"
                : $"frame size {facts.FrameSize} ({facts.AspectRatio}), asked {asked.FrameSize} ({asked.AspectRatio})");
        }

        if (Math.Abs(seconds - expectedSeconds) > DurationToleranceSeconds)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"duration {seconds:0.###} s, asked {expectedSeconds} s"));
        }

        return new VideoFacts(info.Width, info.Height, seconds, info.Codec)
        {
            Warning = problems.Count == 0 ? null : string.Join("; ", problems),
        };
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
