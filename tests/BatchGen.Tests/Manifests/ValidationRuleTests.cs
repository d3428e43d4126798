namespace BatchGen.Tests.Manifests;

/// <summary>Every validation rule: its message and its location (file:line:col: field: message).</summary>
public sealed class ValidationRuleTests : IDisposable
{
    private const string Base = """
        version: 1
        defaults:
          provider: magnific
          image_url: https://example.com/images/cat.png
          prompt: a cat
        """;

    private readonly ManifestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Theory]
    // Schema: unknown keys with a suggestion, types, enums, ranges.
    [InlineData("matrix:\n  seed: [1]\nrepaet: 2", "m.yaml:8:1: repaet: unknown key 'repaet'; did you mean 'repeat'?")]
    [InlineData("matrix:\n  seed: [1]\ndefaults2: {}", "m.yaml:8:1: defaults2: unknown key 'defaults2'; did you mean 'defaults'?")]
    [InlineData("matrix:\n  duration: [5, 7]", "m.yaml:7:17: matrix.duration[1]: must be one of: 5, 8, 10")]
    [InlineData("matrix:\n  resolution: [4k]", "m.yaml:7:16: matrix.resolution[0]: must be one of: 360p, 540p, 720p, 1080p")]
    [InlineData("matrix:\n  seed: [-1]", "m.yaml:7:10: matrix.seed[0]: must be at least 0")]
    [InlineData("matrix:\n  audio: [yes]", "m.yaml:7:11: matrix.audio[0]: expected true or false (yes/no/on/off are not booleans here)")]
    [InlineData("matrix:\n  seed: 1", "m.yaml:7:9: matrix.seed: expected a list")]
    [InlineData("matrix:\n  seed: []", "m.yaml:7:9: matrix.seed: must not be empty")]
    [InlineData("matrix:\n  seed: [1]\nrepeat: 0", "m.yaml:8:9: repeat: must be at least 1")]
    [InlineData("matrix:\n  seed: [1]\nbudget: {max_cost: lots}", "m.yaml:8:20: budget.max_cost: expected a number")]
    // Provider capabilities: fields a provider does not accept.
    [InlineData("matrix:\n  num_outputs: [2]", "m.yaml:7:17: num_outputs: magnific does not accept num_outputs (provider=magnific, num_outputs=2;")]
    [InlineData("matrix:\n  motion_mode: [fast]", "m.yaml:7:17: motion_mode: magnific does not accept motion_mode")]
    // Duration x resolution rules.
    [InlineData("matrix:\n  resolution: [1080p]\n  duration: [10]", "m.yaml:8:14: duration: magnific offers 10 s only up to 720p (provider=magnific, resolution=1080p, duration=10; resolution at")]
    // Templates.
    [InlineData("matrix:\n  seed: [1]\ninclude:\n  - prompt: \"a {animl}\"", "m.yaml:9:13: template: unknown variable {animl}")]
    [InlineData("matrix:\n  seed: [1]\ninclude:\n  - prompt: \"a {cat\"", "m.yaml:9:13: prompt: unclosed '{' at position 3; write '{{' for a literal brace")]
    [InlineData("matrix:\n  seed: [1]\ninclude:\n  - prompt: \"a }\"", "m.yaml:9:13: prompt: unmatched '}' at position 3; write '}}' for a literal brace")]
    [InlineData("matrix:\n  seed: [1]\noutput: {filename: \"../{job_id}.mp4\"}", "m.yaml:8:20: output.filename: '../")]
    [InlineData("matrix:\n  seed: [1]\noutput: {filename: \"/abs/{job_id}.mp4\"}", "m.yaml:8:20: output.filename: '/abs/")]
    [InlineData("matrix:\n  seed: [1]\noutput: {dir: \"out/{seed}\"}", "m.yaml:8:15: output.dir: uses {seed}: output.dir may only use {name}")]
    [InlineData("matrix:\n  seed: [1, 2]\noutput: {filename: \"video.mp4\"}", "m.yaml:8:20: output.filename: renders 'video.mp4' for two jobs (seed=1) and (seed=2): each would overwrite the other's video")]
    // URLs and required fields.
    [InlineData("matrix:\n  image_url: [ftp://x/a.png]", "m.yaml:7:15: image_url: 'ftp://x/a.png' is not an absolute http or https URL")]
    [InlineData("matrix:\n  image_url: [cat.png]", "m.yaml:7:15: image_url: 'cat.png' is not an absolute http or https URL")]
    // Exclude keys must be axis keys; keys that look like misspelt fields.
    [InlineData("matrix:\n  seed: [1]\nexclude:\n  - sed: 1", "m.yaml:9:10: exclude: 'sed' is not a key of the matrix, a zip group or the rows; did you mean 'seed'?")]
    [InlineData("matrix:\n  seed: [1]\n  promt: [x]", "m.yaml:8:3: promt: 'promt' is not a job field and no template uses it; did you mean 'prompt'?")]
    public void Load_InvalidManifest_ReportsMessageAtLocation(string tail, string expected)
    {
        var errors = _h.Errors(Base + "\n" + tail);

        errors.ShouldContain(e => e.StartsWith(expected, StringComparison.Ordinal), string.Join("\n", errors));
    }

    [Fact]
    public void Load_UnsupportedVersion_Refused()
    {
        var errors = _h.Errors(Base.Replace("version: 1", "version: 2", StringComparison.Ordinal) + "\nmatrix:\n  seed: [1]");

        errors.ShouldHaveSingleItem().ShouldBe("m.yaml:1:10: version: must be one of: 1");
    }

    [Fact]
    public void Load_DuplicateKey_OneLineMalformedYamlError()
    {
        var errors = _h.Errors(Base + "\nmatrix:\n  seed: [1]\nversion: 1");

        errors.ShouldHaveSingleItem().ShouldStartWith("m.yaml:8:1: manifest: malformed YAML:");
    }

    [Theory]
    [InlineData("version: 1\nmatrix:\n  seed: [1, 2\nname: x\n", "m.yaml:3:11: manifest: malformed YAML after this point")]
    [InlineData("version: 1\nmatrix:\n  seed: [1]\n   bad: 2\n", "m.yaml:4:4: manifest: malformed YAML: While parsing a block mapping")]
    [InlineData("- a\n- b\n", "m.yaml:1:1: manifest: expected a mapping of key: value at the top level")]
    [InlineData("", "m.yaml:1:1: manifest: the file is empty")]
    [InlineData("version: 1\n---\nversion: 1\n", "m.yaml:3:1: manifest: more than one YAML document")]
    public void Load_MalformedYaml_OneLineErrorWithPosition(string yaml, string expected)
    {
        _h.Errors(yaml).ShouldHaveSingleItem().ShouldStartWith(expected);
    }

    [Fact]
    public void Load_NoProvider_ErrorNamesTheFix()
    {
        var errors = _h.Errors("version: 1\ndefaults: {image_url: \"https://x.test/a.png\", prompt: p}\nmatrix:\n  seed: [1]");

        errors.ShouldHaveSingleItem().ShouldBe("m.yaml:4:10: provider: no provider for this combination: set provider in defaults, in an axis or in a row");
    }

    [Fact]
    public void Load_NoJobSource_DefaultsAreOneJob()
    {
        _h.Jobs(Base).ShouldHaveSingleItem().Provider.ShouldBe("magnific");
    }

    [Fact]
    public void Load_GridClash_ReportedOnceWithCombinationCount()
    {
        var errors = _h.Errors(Base + "\nmatrix:\n  resolution: [1080p]\n  duration: [10]\n  seed: [1, 2, 3]");

        errors.ShouldHaveSingleItem().ShouldEndWith("duration at m.yaml:8:14, provider at m.yaml:3:13) (in 3 combinations)");
    }

    [Theory]
    [InlineData("aimlapi", "1080p", 8, "aimlapi refuses 1080p with 8 s")]
    [InlineData("gmicloud", "1080p", 10, "gmicloud offers 10 s only up to 720p")]
    [InlineData("pixwith", "720p", 10, "pixwith offers 5 or 8 s only")]
    [InlineData("pixwith", "1080p", 8, "pixwith (PixVerse V5) offers 1080p at 5 s only")]
    [InlineData("segmind", "1080p", 8, "segmind offers 1080p at 5 s only")]
    [InlineData("segmind", "540p", 10, "segmind offers 5 or 8 s only")]
    public void Load_ProviderTimingRule_Refused(string provider, string resolution, int duration, string reason)
    {
        var errors = _h.Errors($"version: 1\ndefaults: {{image_url: \"https://x.test/a.png\", prompt: p, provider: {provider}, resolution: {resolution}, duration: {duration}}}\nmatrix:\n  seed_label: [a]\ninclude:\n  - prompt: \"{{seed_label}}\"");

        errors.ShouldContain(e => e.Contains(reason, StringComparison.Ordinal), string.Join("\n", errors));
    }

    [Theory]
    [InlineData("normal", 8, "720p", true)]
    [InlineData("fast", 5, "720p", true)]
    [InlineData("fast", 8, "720p", false)]
    [InlineData("fast", 5, "1080p", false)]
    public void Load_SegmindFastMotion_OnlyAt5SecondsBelow1080p(string motion, int duration, string resolution, bool valid)
    {
        var result = _h.Load($"version: 1\ndefaults: {{image_url: \"https://x.test/a.png\", prompt: p, provider: segmind}}\nmatrix:\n  motion_mode: [{motion}]\n  duration: [{duration}]\n  resolution: [{resolution}]");

        result.Success.ShouldBe(valid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Load_CameraMovementOnGmi_ErrorNamesFieldAndProvider()
    {
        var errors = _h.Errors("version: 1\ndefaults: {image_url: \"https://x.test/a.png\", prompt: p, provider: gmicloud, camera_movement: zoom_in}\nmatrix:\n  seed: [1]");

        errors.ShouldHaveSingleItem().ShouldContain("camera_movement: gmicloud does not accept camera_movement");
    }

    [Fact]
    public void Load_AspectRatioOnAimlApi_Refused()
    {
        var errors = _h.Errors("version: 1\ndefaults: {image_url: \"https://x.test/a.png\", prompt: p, provider: aimlapi, aspect_ratio: \"9:16\"}\nmatrix:\n  seed: [1]");

        errors.ShouldHaveSingleItem().ShouldContain("aimlapi does not accept aspect_ratio");
    }

    [Fact]
    public void Load_MoreJobsThanMax_RefusedWithCountWithoutExpanding()
    {
        // 100^5 = 10^10 combinations: counting must not enumerate them.
        var list = "[" + string.Join(", ", Enumerable.Range(0, 100)) + "]";
        var yaml = Base + $"\nmatrix:\n  a: {list}\n  b: {list}\n  c: {list}\n  d: {list}\n  seed: {list}\ninclude:\n  - negative_prompt: \"{{a}}{{b}}{{c}}{{d}}\"";

        var result = _h.Load(yaml, maxJobs: 1000);

        result.Errors.ShouldHaveSingleItem().Message.ShouldBe("expands to 10000000000 jobs, more than --max-jobs 1000; narrow the grid or raise --max-jobs");
    }

    [Fact]
    public void Load_ExcludesAndIncludes_CountedExactlyAgainstMax()
    {
        var yaml = Base + "\nmatrix:\n  resolution: [540p, 720p]\n  seed: [1, 2, 3]\nexclude:\n  - resolution: 540p\n  - seed: 1\ninclude:\n  - seed: 9\n";

        _h.Load(yaml, maxJobs: 3).Success.ShouldBeTrue();
        _h.Load(yaml, maxJobs: 2).Errors.ShouldHaveSingleItem().Message.ShouldStartWith("expands to 3 jobs");
    }

    [Fact]
    public void Load_ManyErrors_AllReportedAtOnce()
    {
        var errors = _h.Errors(Base + "\nmatrix:\n  duration: [7]\n  resolution: [4k]\n  style: [oil]");

        errors.Count.ShouldBe(3);
    }

    [Fact]
    public void Load_UnknownProviderInProvidersSection_Suggests()
    {
        var errors = _h.Errors(Base + "\nmatrix:\n  seed: [1]\nproviders:\n  magnifc: {concurrency: 2}");

        errors.ShouldContain(e => e.Contains("unknown key 'magnifc'; did you mean 'magnific'?", StringComparison.Ordinal));
    }
}
