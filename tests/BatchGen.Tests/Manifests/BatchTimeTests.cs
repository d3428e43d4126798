using BatchGen.Core.Manifests;

namespace BatchGen.Tests.Manifests;

public sealed class BatchTimeTests
{
    [Fact]
    public void Now_InZone_RendersSafeSegments()
    {
        var zone = BatchTime.FindZone("Europe/Paris").ShouldNotBeNull();
        var time = BatchTime.Now(zone, DateTimeOffset.Parse("2026-11-28T01:00:37Z", System.Globalization.CultureInfo.InvariantCulture));

        time.Date.ShouldBe("2026-11-28");
        time.Time.ShouldBe("0200");
        time.DateTime.ShouldBe("2026-11-28T0200");
        foreach (var v in BatchTime.Variables)
        {
            time.Lookup(v).ShouldNotBeNull().ShouldMatch("^[0-9T-]+$");
        }
    }

    [Fact]
    public void Now_JustBeforeMidnightUtcInTokyo_IsTheNextDay()
    {
        var zone = BatchTime.FindZone("Asia/Tokyo").ShouldNotBeNull();

        BatchTime.Now(zone, DateTimeOffset.Parse("2026-11-28T23:30:00Z", System.Globalization.CultureInfo.InvariantCulture)).Date.ShouldBe("2026-11-29");
    }

    [Fact]
    public void FindZone_Unknown_ReturnsNull() => BatchTime.FindZone("Mars/Olympus_Mons").ShouldBeNull();

    [Fact]
    public void Load_DatedOutputDirectory_RendersItAndKeepsTheBatchesDirectory()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("n.yaml", "version: 1\nname: n\ntimezone: UTC\ndefaults: {provider: magnific, prompt: p, image_url: https://e.com/a.png}\nmatrix: {seed: [1, 2]}\noutput: {dir: \"out/{name}/{date}\", filename: \"{datetime}-{job_id}.mp4\"}\n");

        var result = ManifestLoader.Load(path, new ManifestLoadOptions { BatchStartUtc = DateTimeOffset.Parse("2026-11-28T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture) });

        var manifest = result.Manifest.ShouldNotBeNull(string.Join("\n", result.Errors));
        Path.GetFileName(manifest.OutputDirectory).ShouldBe("2026-11-28");
        manifest.BatchesDirectory.ShouldBe(Path.GetFullPath("out/n"));
        manifest.Jobs().ShouldAllBe(j => j.OutputPath.StartsWith("2026-11-28T0200-", StringComparison.Ordinal));
    }
}
