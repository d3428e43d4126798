using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests;
using FsCheck;
using FsCheck.Fluent;

namespace BatchGen.Tests.Manifests;

public sealed class JobIdentityTests : IDisposable
{
    private static readonly string[] Resolutions = ["360p", "540p", "720p"];
    private static readonly string[] Styles = ["anime", "clay", "comic"];

    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static JobParameters Parameters(long seed, string resolution, string style) => new()
    {
        Prompt = "a cat: \"quoted\", 猫",
        ImageUrl = "https://x.test/a.png",
        Duration = 8,
        Resolution = resolution,
        AspectRatio = "9:16",
        Style = style,
        Seed = seed,
    };

    [Fact]
    public void Compute_SameInput_SixteenLowercaseHexCharsAndStable()
    {
        var id = JobIdentity.Compute("magnific", Parameters(1, "720p", "clay"), 0);

        id.Length.ShouldBe(16);
        id.ShouldAllBe(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));
        JobIdentity.Compute("magnific", Parameters(1, "720p", "clay"), 0).ShouldBe(id);
    }

    [Fact]
    public void Compute_ProviderParameterOrReplicateChanges_IdChanges()
    {
        var id = JobIdentity.Compute("magnific", Parameters(1, "720p", "clay"), 0);

        JobIdentity.Compute("gmicloud", Parameters(1, "720p", "clay"), 0).ShouldNotBe(id);
        JobIdentity.Compute("magnific", Parameters(2, "720p", "clay"), 0).ShouldNotBe(id);
        JobIdentity.Compute("magnific", Parameters(1, "720p", "clay"), 1).ShouldNotBe(id);
        JobIdentity.Compute("magnific", Parameters(1, "720p", "clay") with { Audio = false }, 0).ShouldNotBe(id);
    }

    [Fact]
    public void Compute_CanonicalText_SortedKeysUnsetFieldsOmitted()
    {
        var text = new JobIdentity().CanonicalText("magnific", Parameters(1, "720p", "clay"), 2);

        text.ShouldBe("{\"format\":1,\"provider\":\"magnific\",\"replicate\":2,\"request\":{\"aspect_ratio\":\"9:16\",\"duration\":8,\"image_url\":\"https://x.test/a.png\",\"prompt\":\"a cat: \\\"quoted\\\", 猫\",\"resolution\":\"720p\",\"seed\":1,\"style\":\"clay\"}}");
    }

    /// <summary>Key order, quoting style, flow vs block style and the place a value is written never change the id.</summary>
    [Fact]
    public void Load_KeyOrderQuotingAndFormatting_DoNotChangeIds()
    {
        var gen =
            from seed in Gen.Choose(0, int.MaxValue)
            from res in Gen.Choose(0, Resolutions.Length - 1)
            from style in Gen.Choose(0, Styles.Length - 1)
            from order in Gen.Shuffle(new[] { 0, 1, 2, 3, 4, 5, 6, 7 })
            from quoting in Gen.Choose(0, 255)
            from flow in Gen.Elements(true, false)
            select (seed, res, style, order, quoting, flow);

        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (seed, res, style, order, quoting, flow) = c;
            var expected = JobIdentity.Compute("magnific", Parameters(seed, Resolutions[res], Styles[style]), 0);
            var fields = new (string Key, string Value)[]
            {
                ("provider", "magnific"), ("prompt", "a cat: \"quoted\", 猫"), ("image_url", "https://x.test/a.png"),
                ("duration", "8"), ("resolution", Resolutions[res]), ("aspect_ratio", "9:16"), ("style", Styles[style]),
                ("seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            };
            var entries = order.Select((index, i) => (fields[index].Key, Quote(fields[index].Value, ((quoting >> i) & 1) == 1 || fields[index].Key == "prompt"))).ToList();
            var yaml = flow
                ? "include:\n  - {" + string.Join(", ", entries.Select(e => $"{e.Key}: {e.Item2}")) + "}\nversion: 1\n"
                : "version: 1\ndefaults:\n" + string.Join("\n", entries.Skip(1).Select(e => $"    {e.Key}:   {e.Item2}")) + $"\nmatrix:\n  {entries[0].Key}: [{entries[0].Item2}]\n";
            var jobs = _h.Jobs(yaml.Replace("defaults:\n    ", "defaults:\n    ", StringComparison.Ordinal));
            return jobs.Count == 1 && jobs[0].Id == expected;
        }).QuickCheckThrowOnFailure();
    }

    private static string Quote(string value, bool quote) =>
        quote ? "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'" : value;
}
