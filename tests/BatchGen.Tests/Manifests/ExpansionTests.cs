using BatchGen.Core.Jobs;

namespace BatchGen.Tests.Manifests;

public sealed class ExpansionTests : IDisposable
{
    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    private const string Header = """
        version: 1
        defaults:
          provider: magnific
          image_url: https://example.com/images/cat.png
          prompt: a cat
        """;

    [Fact]
    public void Matrix_ThreeAxes_ProducesCartesianProductInDeclaredOrder()
    {
        var jobs = _h.Jobs(Header + """

            matrix:
              resolution: [540p, 720p]
              style: [anime, clay, comic]
              seed: [1, 2]
            """);

        jobs.Count.ShouldBe(12);
        jobs.Select(j => (j.Parameters.Resolution, j.Parameters.Style, j.Parameters.Seed)).Take(3).ShouldBe(
            [("540p", "anime", 1L), ("540p", "anime", 2L), ("540p", "clay", 1L)]);
        jobs.Select(j => j.Id).Distinct().Count().ShouldBe(12);
    }

    [Fact]
    public void Zip_EqualLists_AdvanceTogetherAsOneAxis()
    {
        var jobs = _h.Jobs("""
            version: 1
            defaults: {provider: gmicloud, prompt: "{subject} moving"}
            zip:
              - image_url: [https://x.test/a.png, https://x.test/b.png]
                subject: [a dog, a boat]
            matrix:
              seed: [1, 2, 3]
            """);

        jobs.Count.ShouldBe(6);
        jobs.ShouldAllBe(j => (j.Parameters.ImageUrl.EndsWith("a.png") && j.Parameters.Prompt == "a dog moving")
                             || (j.Parameters.ImageUrl.EndsWith("b.png") && j.Parameters.Prompt == "a boat moving"));
    }

    [Fact]
    public void Zip_UnequalLists_IsAnErrorNamingTheLengths()
    {
        var errors = _h.Errors(Header + """

            zip:
              - seed: [1, 2]
                style: [anime]
            """);

        errors.ShouldHaveSingleItem().ShouldContain("zip lists must have equal lengths, found seed=2, style=1");
        errors[0].ShouldStartWith("m.yaml:7:5: zip:");
    }

    [Fact]
    public void Exclude_PartialCombination_RemovesEveryMatch()
    {
        var jobs = _h.Jobs(Header + """

            matrix:
              resolution: [540p, 720p, 1080p]
              duration: [5, 8]
            exclude:
              - resolution: 1080p
                duration: 8
              - resolution: 540p
            """);

        jobs.Select(j => $"{j.Parameters.Resolution}/{j.Parameters.Duration}").ShouldBe(["720p/5", "720p/8", "1080p/5"]);
    }

    /// <summary>
    /// The example of GitHub's docs, "Expanding or adding matrix configurations", with job fields standing in for its
    /// keys: fruit = style (apple = anime, pear = clay, banana = comic), animal = resolution (cat = 540p, dog = 720p),
    /// color = seed (green = 1, pink = 2), shape = negative_prompt.
    /// </summary>
    [Fact]
    public void Include_GitHubDocumentedExample_MatchesDocumentedResult()
    {
        var jobs = _h.Jobs(Header + """

            matrix:
              style: [anime, clay]
              resolution: [540p, 720p]
            include:
              - seed: 1
              - seed: 2
                resolution: 540p
              - style: anime
                negative_prompt: circle
              - style: comic
              - style: comic
                resolution: 540p
            """);

        var combos = jobs.Select(j => string.Join(",", j.Axes.Select(kv => $"{kv.Key}={kv.Value}"))).ToList();
        combos.ShouldBe(
        [
            "style=anime,resolution=540p,seed=2,negative_prompt=circle",
            "style=anime,resolution=720p,seed=1,negative_prompt=circle",
            "style=clay,resolution=540p,seed=2",
            "style=clay,resolution=720p,seed=1",
            "style=comic",
            "style=comic,resolution=540p",
        ]);
    }

    /// <summary>GitHub's docs, "Excluding matrix configurations" then include: excludes apply first.</summary>
    [Fact]
    public void IncludeAfterExclude_GitHubDocumentedExample_ExcludedCombinationComesBackOnlyAsNew()
    {
        var jobs = _h.Jobs(Header.Replace("prompt: a cat", "prompt: \"{os} {version} {environment}\"", StringComparison.Ordinal) + """

            matrix:
              os: [macos-latest, windows-latest]
              version: [12, 14, 16]
              environment: [staging, production]
            exclude:
              - os: macos-latest
                version: 12
                environment: production
              - os: windows-latest
                version: 16
            include:
              - os: windows-latest
                version: 16
                environment: staging
            output:
              filename: "{os}/{version}/{environment}/{job_id}.mp4"
            """);

        // 12 - 1 - 2 = 9 grid combinations, plus the include that matches none of them (windows/16 was excluded).
        jobs.Count.ShouldBe(10);
        jobs[^1].OutputPath.ShouldStartWith("windows-latest/16/staging/");
    }

    [Fact]
    public void Include_OverwritesOnlyAddedValues_NeverOriginalOnes()
    {
        var jobs = _h.Jobs(Header + """

            matrix:
              style: [anime, clay]
            include:
              - seed: 1
              - style: clay
                seed: 2
            """);

        jobs.Select(j => (j.Parameters.Style, j.Parameters.Seed)).ShouldBe([("anime", 1L), ("clay", 2L)]);
    }

    [Fact]
    public void Repeat_Three_MakesDistinctIdsPerReplicate()
    {
        var jobs = _h.Jobs(Header + """

            matrix:
              seed: [1, 2]
            repeat: 3
            """);

        jobs.Count.ShouldBe(6);
        jobs.Select(j => j.Replicate).ShouldBe([0, 1, 2, 0, 1, 2]);
        jobs.Select(j => j.Id).Distinct().Count().ShouldBe(6);
    }

    [Fact]
    public void Rows_CrossedWithMatrix_EveryRowTimesEveryValue()
    {
        _h.Write("rows.csv", "image_url,subject\nhttps://x.test/a.png,a dog\nhttps://x.test/b.png,a boat\n");
        var jobs = _h.Jobs("""
            version: 1
            rows: rows.csv
            defaults: {provider: segmind, prompt: "{subject}"}
            matrix:
              motion_mode: [normal, fast]
            """);

        jobs.Count.ShouldBe(4);
        jobs.Select(j => $"{j.Parameters.Prompt}/{j.Parameters.MotionMode}").ShouldBe(["a dog/normal", "a dog/fast", "a boat/normal", "a boat/fast"]);
    }

    [Fact]
    public void Templates_VariablesAndEscapedBraces_RenderInPromptAndOutput()
    {
        var jobs = _h.Jobs("""
            version: 1
            name: tpl
            defaults:
              provider: magnific
              image_url: "https://x.test/{animal}.png"
              prompt: "a {animal} {{literally}}"
            matrix:
              animal: [cat]
            output:
              filename: "{name}/{animal}_{replicate}_{job_id}.mp4"
            """);

        var job = jobs.ShouldHaveSingleItem();
        job.Parameters.Prompt.ShouldBe("a cat {literally}");
        job.Parameters.ImageUrl.ShouldBe("https://x.test/cat.png");
        job.OutputPath.ShouldBe($"tpl/cat_0_{job.Id}.mp4");
    }

    [Fact]
    public void Defaults_UnsetFields_ResolveToProviderDefaults()
    {
        var jobs = _h.Jobs("""
            version: 1
            defaults: {image_url: "https://x.test/a.png", prompt: p}
            matrix:
              provider: [magnific, gmicloud, segmind]
            """);

        jobs.Select(j => j.Parameters.Resolution).ShouldBe(["720p", "540p", "540p"]);
        jobs.ShouldAllBe(j => j.Parameters.Duration == 5 && j.Parameters.AspectRatio == "16:9");
        jobs[0].OutputPath.ShouldBe($"magnific/{jobs[0].Id}.mp4");
    }

    [Fact]
    public void DuplicateCombinations_CollapseWithAWarning()
    {
        var result = _h.Load(Header + """

            matrix:
              label: [x, y]
            include:
              - label: x
            """);

        result.Errors.ShouldBeEmpty();
        result.Manifest!.JobCount.ShouldBe(1);
        result.Manifest.Jobs().Count().ShouldBe(1);
        result.Warnings.ShouldContain(w => w.Message.Contains("duplicate combination", StringComparison.Ordinal));
    }

    [Fact]
    public void DuplicateAxisValues_CollapseWithAWarningAtTheValue()
    {
        var result = _h.Load(Header + """

            matrix:
              seed: [1, "1", 01]
            """);

        result.Manifest!.JobCount.ShouldBe(1);
        result.Warnings.Count.ShouldBe(2);
        _h.Relative(result.Warnings[0].ToString()).ShouldStartWith("m.yaml:7:13: seed: duplicate value seed=1");
    }

    [Fact]
    public void Jobs_EnumeratedTwice_SameOrderAndIds()
    {
        var result = _h.Load(Header + """

            matrix:
              seed: [3, 1, 2]
            """);

        var first = result.Manifest!.Jobs().Select(j => j.Id).ToList();
        result.Manifest.Jobs().Select(j => j.Id).ShouldBe(first);
        result.Manifest.Axes.ShouldBe(["seed"]);
    }

    [Fact]
    public void Yaml11Traps_AspectRatioAndWordsStayText()
    {
        var jobs = _h.Jobs("""
            version: 1
            defaults:
              provider: magnific
              image_url: https://x.test/a.png
              aspect_ratio: 16:9
              prompt: no
              negative_prompt: "{word}"
            matrix:
              word: [on, 1e3, yes]
            """);

        jobs.Count.ShouldBe(3);
        jobs.ShouldAllBe(j => j.Parameters.AspectRatio == "16:9" && j.Parameters.Prompt == "no");
        jobs.Select(j => ManifestHarness.Axis(j, "word")).ShouldBe(["on", "1e3", "yes"]);
    }

    [Fact]
    public void Extra_CanonicalisedIntoParameters()
    {
        var jobs = _h.Jobs(Header + """

            matrix:
              seed: [1]
            defaults:
              extra: {b: 1, a: {y: true, x: "s"}}
            """.Replace("defaults:\n  extra", "include:\n  - extra", StringComparison.Ordinal));

        var extra = jobs.ShouldHaveSingleItem().Parameters.Extra!;
        extra.Keys.ShouldBe(["a", "b"]);
        extra["a"].GetRawText().ShouldBe("{\"x\":\"s\",\"y\":true}");
    }
}
