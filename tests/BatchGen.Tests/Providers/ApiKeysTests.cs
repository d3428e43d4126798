using BatchGen.Core.Jobs;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Tests.Providers;

/// <summary>Keys are checked before any request is built; a key that cannot form a header never leaves and never makes a job ambiguous.</summary>
public sealed class ApiKeysTests
{
    [Theory]
    [InlineData("k\nInjected: yes", "a line break")]
    [InlineData("abc def", "a space or tab inside the key")]
    [InlineData("clé", "a non-ASCII character")]
    [InlineData("k\u0000x", "a control character")]
    [InlineData("k\u007fx", "a control character")]
    public void Check_KeyWithBytesAHeaderCannotHold_ProblemNamesTheVariableNotTheValue(string key, string kind)
    {
        var reading = ApiKeys.Check("MAGNIFIC_API_KEY", key);

        reading.Key.ShouldBeNull();
        reading.Problem.ShouldNotBeNull().ShouldStartWith("environment variable MAGNIFIC_API_KEY holds a character that cannot be sent in an HTTP header (" + kind + ")");
        reading.Problem.ShouldNotContain(key);
    }

    [Theory]
    [InlineData("key-123\r\n")]
    [InlineData("  key-123\t")]
    [InlineData("\nkey-123")]
    public void Check_SurroundingWhitespace_TrimmedWithAWarningNamingTheVariable(string raw)
    {
        var reading = ApiKeys.Check("SEGMIND_API_KEY", raw);

        reading.Key.ShouldBe("key-123");
        reading.Problem.ShouldBeNull();
        reading.Warning.ShouldNotBeNull().ShouldStartWith("SEGMIND_API_KEY: ");
        reading.Warning.ShouldNotContain("key-123");
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("", "is not set")]
    [InlineData(" \r\n", "holds only whitespace")]
    public void Check_MissingOrBlank_Problem(string? raw, string problem)
    {
        ApiKeys.Check("X_KEY", raw).Problem.ShouldNotBeNull().ShouldContain(problem);
    }

    [Fact]
    public void Check_VisibleAscii_Accepted()
    {
        var all = new string(Enumerable.Range(0x21, 0x7e - 0x21 + 1).Select(c => (char)c).ToArray());

        ApiKeys.Check("X_KEY", all).ShouldBe(new ApiKeyReading(all, null, null));
    }

    [Theory]
    [InlineData(ProviderNames.Magnific, "k\nInjected: yes")]
    [InlineData(ProviderNames.Magnific, "k\r\n")]
    [InlineData(ProviderNames.GmiCloud, "k\nInjected: yes")]
    [InlineData(ProviderNames.AimlApi, "clé")]
    [InlineData(ProviderNames.Pixwith, "k\nInjected: yes")]
    [InlineData(ProviderNames.Segmind, "k\u0085")]
    public async Task SubmitAsync_KeyInjectingAHeader_NothingLeavesAccountErrorNotAmbiguous(string provider, string key)
    {
        await using var recorder = new RawHttpRecorder();
        using var client = Client(provider, key, recorder.BaseUrl, out var http);
        using (http)
        {
            var result = await client.SubmitAsync(Job(provider), () => Task.CompletedTask, _ => Task.CompletedTask, CancellationToken.None);

            result.Ambiguous.ShouldBeFalse();
            result.Outcome.Error.ShouldNotBeNull().Class.ShouldBe(ErrorClass.Account);
            result.Outcome.Error.Message.ShouldNotContain("Injected");
            recorder.Requests.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task SubmitAsync_ValidKey_RequestLeavesWithTheKeyOnOneHeaderLine()
    {
        await using var recorder = new RawHttpRecorder();
        using var client = Client(ProviderNames.Magnific, "good-key", recorder.BaseUrl, out var http);
        using (http)
        {
            var result = await client.SubmitAsync(Job(ProviderNames.Magnific), () => Task.CompletedTask, _ => Task.CompletedTask, CancellationToken.None);

            result.Outcome.Error.ShouldNotBeNull().Code.ShouldBe(ErrorCodes.Auth);
            recorder.Requests.ShouldHaveSingleItem().ShouldContain("\r\nx-magnific-api-key: good-key\r\n");
        }
    }

    private static ResilientProviderClient Client(string provider, string key, Uri baseUrl, out HttpClient http)
    {
        var settings = ProviderCatalog.CreateDefaults()[provider];
        settings.BaseUrl = baseUrl;
        http = new HttpClient();
        var adapter = ProviderAdapterFactory.Create(settings, http, key, TimeProvider.System);
        return new ResilientProviderClient(adapter, settings, new RunOptions { OutputDirectory = "out", MaxRetryAttempts = 0 }, TimeProvider.System);
    }

    private static JobSpec Job(string provider) => new()
    {
        Id = "0123456789abcdef",
        Provider = provider,
        Parameters = new JobParameters { Prompt = "a cat", ImageUrl = "https://example.com/cat.png", Duration = 5, Resolution = "540p", AspectRatio = "16:9" },
        Axes = [],
        OutputPath = "a.mp4",
    };
}
