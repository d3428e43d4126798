using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Planning;

namespace BatchGen.Tests.Manifests;

/// <summary>
/// Every independent error in one run, in position order; a value reported once is not reported again by a later
/// check; "did you mean" for enum values wherever they are written; a manifest of defaults only is one job.
/// </summary>
public sealed class OnePassValidationTests : IDisposable
{
    /// <summary>Five independent mistakes of five kinds, each on its own line.</summary>
    public const string FiveErrors = """
        version: 1
        name: five
        defaults:
          prompt: "a {subjct} at dusk"
          image_url: https://example.com/images/cat.png
          seed: abc
        matrix:
          provider: [pixwith, segmnd]
          duration: [10]
        repaet: 2
        """;

    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Load_FiveIndependentErrorsOfFiveKinds_FiveLinesInPositionOrder()
    {
        var errors = _h.Errors(FiveErrors);

        errors.Count.ShouldBe(5, string.Join("\n", errors));
        errors[0].ShouldBe("m.yaml:4:11: template: unknown variable {subjct}; declare it as a matrix, zip, rows or include key (write {{ for a literal brace)");
        errors[1].ShouldBe("m.yaml:6:9: defaults.seed: expected a whole number");
        errors[2].ShouldBe("m.yaml:8:23: matrix.provider[1]: must be one of: magnific, gmicloud, aimlapi, pixwith, segmind; did you mean 'segmind'?");
        errors[3].ShouldStartWith("m.yaml:9:14: duration: pixwith offers 5 or 8 s only (provider=pixwith, ");
        errors[3].ShouldEndWith("duration at m.yaml:9:14, provider at m.yaml:8:14)");
        errors[4].ShouldBe("m.yaml:10:1: repaet: unknown key 'repaet'; did you mean 'repeat'?");
    }

    [Theory]
    [InlineData("defaults:\n  provider: segmnd\n  prompt: p\n  image_url: https://x.test/a.png", "m.yaml:3:13: defaults.provider: ", "segmind")]
    [InlineData(Base + "matrix:\n  style: [anime, anmie]", "m.yaml:7:18: matrix.style[1]: ", "anime")]
    [InlineData(Base + "matrix:\n  resolution: [720]", "m.yaml:7:16: matrix.resolution[0]: ", "720p")]
    [InlineData(Base + "matrix:\n  aspect_ratio: [\"16:10\"]", "m.yaml:7:18: matrix.aspect_ratio[0]: ", "16:9")]
    [InlineData(Base + "matrix:\n  camera_movement: [zoomin]", "m.yaml:7:21: matrix.camera_movement[0]: ", "zoom_in")]
    [InlineData(Base + "zip:\n  - thinking: [enabeld]\n    seed: [1]", "m.yaml:7:16: zip[0].thinking[0]: ", "enabled")]
    [InlineData(Base + "include:\n  - motion_mode: fsat", "m.yaml:7:18: include[0].motion_mode: ", "fast")]
    [InlineData(Base + "matrix:\n  provider: [magnific]\nexclude:\n  - provider: magnifc", "m.yaml:9:15: exclude[0].provider: ", "magnific")]
    [InlineData(Base + "matrix:\n  seed: [1]\nproviders:\n  segmind: {mode: asnyc}", "m.yaml:9:19: providers.segmind.mode: ", "async")]
    public void Load_EnumTypo_DidYouMeanAtItsPosition(string yaml, string prefix, string suggestion)
    {
        var errors = _h.Errors("version: 1\n" + yaml);

        var line = errors.ShouldHaveSingleItem();
        line.ShouldStartWith(prefix + "must be one of: ");
        line.ShouldEndWith($"; did you mean '{suggestion}'?");
    }

    [Fact]
    public void Load_EnumTypoInRowsCsv_DidYouMeanAtRowLineAndField()
    {
        _h.Write("shots.csv", "prompt,provider\na cat,magnific\na dog,segmnd\n");

        var errors = _h.Errors("version: 1\ndefaults: {image_url: \"https://x.test/a.png\"}\nrows: shots.csv");

        errors.ShouldBe(["shots.csv:3:2: provider: 'segmnd' is not one of: magnific, gmicloud, aimlapi, pixwith, segmind; did you mean 'segmind'?"]);
    }

    [Fact]
    public void Load_CsvManifestWithTypoAndRuleViolationInOtherRows_BothReported()
    {
        var path = _h.Write("jobs.csv", "provider,prompt,image_url,duration\nsegmnd,a,https://x.test/a.png,5\npixwith,b,https://x.test/b.png,10\nmagnific,c,https://x.test/c.png,8\n");

        var errors = ManifestHarness.LoadFile(path).Errors.Select(e => _h.Relative(e.ToString())).ToList();

        errors.Count.ShouldBe(2, string.Join("\n", errors));
        errors[0].ShouldEndWith("did you mean 'segmind'?");
        errors[0].ShouldStartWith("jobs.csv:2:1: provider: ");
        errors[1].ShouldStartWith("jobs.csv:3:4: duration: pixwith offers 5 or 8 s only");
    }

    [Theory]
    [InlineData("matrix:\n  duration: [7]")]
    [InlineData("matrix:\n  lip_sync_tts_speaker_id: [\"10\"]")]
    public void Load_NumberTypo_NoNumberSuggested(string tail)
    {
        _h.Errors("version: 1\n" + Base + tail).ShouldHaveSingleItem().ShouldNotContain("did you mean");
    }

    [Fact]
    public void Load_ValueRejectedBySchema_NotReportedAgainByProviderRule()
    {
        // pixwith takes no style: the misspelt style is reported once, as a typo, not also as a field pixwith refuses.
        var errors = _h.Errors("version: 1\ndefaults: {provider: pixwith, prompt: p, image_url: \"https://x.test/a.png\"}\nmatrix:\n  style: [anmie]\n  seed_label: [a, b]");

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:4:11: matrix.style[0]: must be one of:");
    }

    [Fact]
    public void Load_MisspeltDefaultsKey_NoSecondErrorForTheMissingField()
    {
        var errors = _h.Errors("version: 1\ndefaults:\n  provider: magnific\n  promt: a cat\n  image_url: https://x.test/a.png\nmatrix:\n  seed: [1, 2]");

        errors.ShouldBe(["m.yaml:4:3: defaults.promt: unknown key 'promt'; did you mean 'prompt'?"]);
    }

    [Fact]
    public void Load_TemplateWithUnknownVariable_NotReportedAgainPerCombination()
    {
        var errors = _h.Errors("version: 1\n" + Base + "matrix:\n  seed: [1, 2, 3]\ninclude:\n  - negative_prompt: \"no {colr}\"");

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:9:22: template: unknown variable {colr}");
    }

    [Fact]
    public void Load_ExcludeWithTypo_CombinationsItMeantToDropNotReported()
    {
        // The exclude meant to drop gmicloud at 1080p with 10 s; misspelt, it must not surface that clash as a new error.
        var yaml = "version: 1\n" + Base + "matrix:\n  provider: [magnific, gmicloud]\n  resolution: [540p, 1080p]\n  duration: [5, 10]\nexclude:\n  - {resolution: 1080p, duration: 10, provider: gmicloudd}";

        var errors = _h.Errors(yaml);

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:11:49: exclude[0].provider: must be one of:");
    }

    [Fact]
    public void Load_BadListInOneAxis_OtherAxesStillChecked()
    {
        var errors = _h.Errors("version: 1\n" + Base + "matrix:\n  seed: 1\n  resolution: [1080p]\n  duration: [10]");

        errors.Count.ShouldBe(2, string.Join("\n", errors));
        errors[0].ShouldBe("m.yaml:7:9: matrix.seed: expected a list");
        errors[1].ShouldStartWith("m.yaml:9:14: duration: magnific offers 10 s only up to 720p");
    }

    [Fact]
    public void Load_SchemaAndProvidersSectionErrors_EachOnce()
    {
        var errors = _h.Errors("version: 1\n" + Base + "matrix:\n  seed: [1]\nproviders:\n  magnifc: {concurrency: 2}\n  segmind: {concurrency: 0, rate_limit: fast}");

        errors.Count.ShouldBe(3, string.Join("\n", errors));
        errors[0].ShouldStartWith("m.yaml:9:3: ");
        errors[0].ShouldContain("unknown key 'magnifc'; did you mean 'magnific'?");
        errors[1].ShouldStartWith("m.yaml:10:26: providers.segmind.concurrency: must be at least 1");
        errors[2].ShouldStartWith("m.yaml:10:41: providers.segmind.rate_limit: expected requests per period");
    }

    [Fact]
    public void Load_DefaultsOnly_OneJob()
    {
        var result = _h.Load("version: 1\n" + Base);

        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        result.Manifest!.JobCount.ShouldBe(1);
        var job = result.Manifest.Jobs().ShouldHaveSingleItem();
        job.Provider.ShouldBe("magnific");
        job.Parameters.Prompt.ShouldBe("a cat");
        PlanCalculator.Compute(result.Manifest).Jobs.ShouldBe(1);
    }

    [Fact]
    public void Load_NothingButVersion_MissingFieldsNamed()
    {
        var errors = _h.Errors("version: 1\n");

        errors.Count.ShouldBe(3, string.Join("\n", errors));
        errors.ShouldContain(e => e.StartsWith("m.yaml:1:1: provider: no provider", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith("m.yaml:1:1: prompt: no prompt", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith("m.yaml:1:1: image_url: no image_url", StringComparison.Ordinal));
    }

    private const string Base = "defaults:\n  provider: magnific\n  image_url: https://x.test/a.png\n  prompt: a cat\n";
}
