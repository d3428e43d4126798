using System.Text;
using System.Text.RegularExpressions;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Manifests;

/// <summary>
/// The real CLI on inputs that used to crash it (stack overflow, exit 134) or hang: exit 2, one line per problem with
/// file:line:col, no stack trace. And a key that would inject a header: nothing leaves, exit 4, the variable is named.
/// </summary>
public sealed partial class HostileInputCliTests : IDisposable
{
    private const string Jobs = """
        version: 1
        defaults:
          provider: magnific
          image_url: https://example.com/images/cat.png
          prompt: a cat
        matrix:
          seed: [1]
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string> CrashCases() => new()
    {
        { "deep", "version: 1\ndefaults:\n  extra: " + string.Concat(Enumerable.Repeat("{a: ", 20_000)) + "1" + new string('}', 20_000) + "\n", ":3:258: manifest: mappings and lists are nested deeper than 64 levels" },
        { "self-alias", "a: &a [*a]\n", ":1:8: manifest: alias *a is used inside the node it names" },
        { "defaults-alias", "version: 1\ndefaults: &d {extra: *d}\n", ":2:22: manifest: alias *d is used inside the node it names" },
        { "bomb", Jobs + "\ninclude:\n  - extra:\n      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 7).Select(i => $"      a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n")), ":15:16: manifest: the file holds more than 200,000 YAML nodes" },
        { "rows-dev-zero", Jobs.Replace("matrix:\n  seed: [1]", "rows: /dev/zero", StringComparison.Ordinal), ":6:7: rows: the file is empty, or is not a regular file" },
        { "name-climbs", "name: \"../../../x\"\n" + Jobs, ":1:7: name: '../../../x' contains a path separator" },
    };

    [Theory]
    [MemberData(nameof(CrashCases))]
    public async Task Validate_InputThatUsedToCrash_Exit2WithLocationAndNoStackTrace(string name, string content, string expected)
    {
        var path = _dir.Write(name + ".yaml", content);

        var result = await CliProcess.RunAsync(_dir.Path, null, ["validate", path], TimeSpan.FromMinutes(1));

        result.ExitCode.ShouldBe(2, result.StdErr);
        result.StdErr.ShouldStartWith(path + expected);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Validate_FifoAsManifest_Exit2WithoutWaitingForAWriter()
    {
        var path = Path.Combine(_dir.Path, "pipe.yaml");
        Fifo.Create(path);

        var result = await CliProcess.RunAsync(_dir.Path, null, ["validate", path], TimeSpan.FromMinutes(1));

        result.ExitCode.ShouldBe(2);
        result.StdErr.ShouldStartWith(path + ":1:1: manifest: the file is empty, or is not a regular file");
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Validate_SampleOfTheFuzzedCorpus_Exit0Or2NeverACrash()
    {
        var manifests = Path.Combine(RepositoryRoot(), "manifests");
        foreach (var mutant in ManifestFuzzer.Generate(manifests, 1_100).Where(m => m.Index % 100 == 7))
        {
            foreach (var (file, bytes) in mutant.Extra)
            {
                var extra = Path.Combine(_dir.Path, file);
                Directory.CreateDirectory(Path.GetDirectoryName(extra)!);
                await File.WriteAllBytesAsync(extra, bytes);
            }

            var path = Path.Combine(_dir.Path, mutant.FileName);
            await File.WriteAllBytesAsync(path, mutant.Content);

            var result = await CliProcess.RunAsync(_dir.Path, null, ["validate", path], TimeSpan.FromSeconds(30));

            result.ExitCode.ShouldBeOneOf([0, 2], $"mutant {mutant.Index} ({mutant.Description}): {result.StdErr}");
            AssertNoStackTrace(result);
            result.StdErr.ShouldNotContain("BatchGen bug", Case.Sensitive, $"mutant {mutant.Index} ({mutant.Description})");
        }
    }

    [Fact]
    public async Task Run_KeyWithInjectedHeader_NothingSentExit4NamesTheVariableOnly()
    {
        await using var recorder = new RawHttpRecorder();
        var manifest = _dir.Write("m.yaml", Jobs);
        var providers = _dir.Write("providers.yaml", $"providers:\n  magnific:\n    base_url: {recorder.BaseUrl}\n");
        var env = new Dictionary<string, string> { ["MAGNIFIC_API_KEY"] = "k\nInjected: yes" };

        var result = await CliProcess.RunAsync(_dir.Path, env, ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(_dir.Path, "out")], TimeSpan.FromMinutes(2));

        result.ExitCode.ShouldBe(4, result.StdErr);
        result.StdErr.ShouldContain("blocked: magnific: environment variable MAGNIFIC_API_KEY holds a character that cannot be sent in an HTTP header (a line break)");
        (result.StdOut + result.StdErr).ShouldNotContain("Injected");
        recorder.Requests.ShouldBeEmpty();
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Run_KeyWithTrailingCrLf_TrimmedWithWarningAndSentAsOneHeaderLine()
    {
        await using var recorder = new RawHttpRecorder();
        var manifest = _dir.Write("m.yaml", Jobs);
        var providers = _dir.Write("providers.yaml", $"providers:\n  magnific:\n    base_url: {recorder.BaseUrl}\n");
        var env = new Dictionary<string, string> { ["MAGNIFIC_API_KEY"] = "key-123\r\n" };

        var result = await CliProcess.RunAsync(_dir.Path, env, ["run", manifest, "--providers", providers, "--progress", "none", "--out", Path.Combine(_dir.Path, "out")], TimeSpan.FromMinutes(2));

        result.ExitCode.ShouldBe(4, result.StdErr);
        result.StdErr.ShouldContain("warning: MAGNIFIC_API_KEY: whitespace or line breaks around the API key were removed");
        var request = recorder.Requests.ShouldHaveSingleItem();
        request.ShouldContain("\r\nx-magnific-api-key: key-123\r\n");
        var head = request[..request.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
        head.Skip(1).ShouldAllBe(line => line.Contains(": "), "every header line is a name: value pair; the head did not end early");
        head.Count(line => line.StartsWith("x-magnific-api-key:", StringComparison.OrdinalIgnoreCase)).ShouldBe(1);
        (result.StdOut + result.StdErr).ShouldNotContain("key-123");
    }

    private static void AssertNoStackTrace(CliResult result)
    {
        var output = result.StdOut + result.StdErr;
        StackFrame().IsMatch(output).ShouldBeFalse(output);
        output.ShouldNotContain("Unhandled exception");
        output.ShouldNotContain("Stack overflow");
        Encoding.UTF8.GetByteCount(result.StdErr).ShouldBeLessThan(8 * 1024);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BatchGen.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("BatchGen.sln not found above the test directory");
    }

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
