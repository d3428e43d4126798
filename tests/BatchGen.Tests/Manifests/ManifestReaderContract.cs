using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests;

namespace BatchGen.Tests.Manifests;

/// <summary>
/// One suite, run against both manifest readers: the same jobs written as YAML or as CSV must load into the same
/// job specs and the same ids (computed here independently from the expected parameters).
/// </summary>
public abstract class ManifestReaderContract : IDisposable
{
    protected ManifestHarness Harness { get; } = new();

    public void Dispose()
    {
        Harness.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes a manifest whose jobs are exactly <paramref name="rows"/> (key -> text) and returns its path.</summary>
    protected abstract string WriteManifest(IReadOnlyList<(string Key, string Value)[]> rows);

    private List<JobSpec> LoadJobs(IReadOnlyList<(string Key, string Value)[]> rows)
    {
        var result = ManifestLoader.Load(WriteManifest(rows), new ManifestLoadOptions());
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        return result.Manifest!.Jobs().ToList();
    }

    private static string ExpectedId(string provider, JobParameters parameters) => JobIdentity.Compute(provider, parameters, 0);

    [Fact]
    public void Load_PlainRows_JobsAndIdsAsExpected()
    {
        var jobs = LoadJobs(
        [
            [("provider", "magnific"), ("prompt", "a cat"), ("image_url", "https://x.test/a.png"), ("resolution", "1080p"), ("duration", "8"), ("seed", "42")],
            [("provider", "gmicloud"), ("prompt", "a dog"), ("image_url", "https://x.test/b.png"), ("style", "clay"), ("audio", "true")],
        ]);

        jobs.Count.ShouldBe(2);
        jobs[0].Id.ShouldBe(ExpectedId("magnific", new JobParameters { Prompt = "a cat", ImageUrl = "https://x.test/a.png", Resolution = "1080p", Duration = 8, AspectRatio = "16:9", Seed = 42 }));
        jobs[1].Id.ShouldBe(ExpectedId("gmicloud", new JobParameters { Prompt = "a dog", ImageUrl = "https://x.test/b.png", Resolution = "540p", Duration = 5, AspectRatio = "16:9", Style = "clay", Audio = true }));
    }

    [Theory]
    [InlineData("a cat, sitting, on a mat")]
    [InlineData("she said \"hello\" twice")]
    [InlineData("line one\nline two")]
    [InlineData("桜の下で猫が眠る")]
    [InlineData("a rocket 🚀 over the sea 🌊")]
    [InlineData("braces {{literal}}")]
    public void Load_AwkwardPromptText_ReadIdentically(string prompt)
    {
        var job = LoadJobs([[("provider", "segmind"), ("prompt", prompt), ("image_url", "https://x.test/a.png"), ("motion_mode", "fast")]]).ShouldHaveSingleItem();

        var expected = prompt.Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal);
        job.Parameters.Prompt.ShouldBe(expected);
        job.Id.ShouldBe(ExpectedId("segmind", new JobParameters { Prompt = expected, ImageUrl = "https://x.test/a.png", Resolution = "540p", Duration = 5, AspectRatio = "16:9", MotionMode = "fast" }));
    }

    [Fact]
    public void Load_VariablesInTemplates_RenderedFromTheSameRow()
    {
        var jobs = LoadJobs(
        [
            [("provider", "pixwith"), ("subject", "a fox"), ("prompt", "{subject} in snow"), ("image_url", "https://x.test/{subject}.png"), ("num_outputs", "2")],
            [("provider", "pixwith"), ("subject", "an owl"), ("prompt", "{subject} in snow"), ("image_url", "https://x.test/{subject}.png"), ("num_outputs", "2")],
        ]);

        jobs.Select(j => j.Parameters.Prompt).ShouldBe(["a fox in snow", "an owl in snow"]);
        jobs[0].Parameters.ImageUrl.ShouldBe("https://x.test/a fox.png");
        jobs[0].Parameters.NumOutputs.ShouldBe(2);
        ManifestHarness.Axis(jobs[1], "subject").ShouldBe("an owl");
    }

    [Fact]
    public void Load_InvalidValue_ErrorPointsAtTheValue()
    {
        var path = WriteManifest([[("provider", "magnific"), ("prompt", "p"), ("image_url", "https://x.test/a.png"), ("duration", "7")]]);

        var result = ManifestLoader.Load(path, new ManifestLoadOptions());

        var error = result.Errors.ShouldHaveSingleItem();
        error.Field.ShouldEndWith("duration");
        error.Line.ShouldBeGreaterThan(1);
    }
}

public sealed class YamlManifestReaderContractTests : ManifestReaderContract
{
    /// <summary>Each job as a standalone include entry (no matrix), values double-quoted.</summary>
    protected override string WriteManifest(IReadOnlyList<(string Key, string Value)[]> rows)
    {
        var text = new System.Text.StringBuilder("version: 1\ninclude:\n");
        foreach (var row in rows)
        {
            var first = true;
            foreach (var (key, value) in row)
            {
                text.Append(first ? "  - " : "    ").Append(key).Append(": ").Append(YamlQuote(value)).Append('\n');
                first = false;
            }
        }

        return Harness.Write("jobs.yaml", text.ToString());
    }

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string YamlQuote(string value) => System.Text.Json.JsonSerializer.Serialize(value, Relaxed);
}

public sealed class CsvManifestReaderContractTests : ManifestReaderContract
{
    /// <summary>Each job as a row; header = every key; cells quoted per RFC 4180.</summary>
    protected override string WriteManifest(IReadOnlyList<(string Key, string Value)[]> rows)
    {
        var keys = rows.SelectMany(r => r.Select(kv => kv.Key)).Distinct().ToList();
        var text = new System.Text.StringBuilder(string.Join(",", keys)).Append("\r\n");
        foreach (var row in rows)
        {
            var cells = keys.Select(k => row.FirstOrDefault(kv => kv.Key == k).Value ?? string.Empty);
            text.Append(string.Join(",", cells.Select(c => "\"" + c.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""))).Append("\r\n");
        }

        return Harness.Write("jobs.csv", text.ToString());
    }
}
