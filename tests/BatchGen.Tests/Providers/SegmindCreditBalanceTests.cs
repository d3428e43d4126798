using System.Net;
using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Providers;

public sealed class SegmindCreditBalanceTests : IDisposable
{
    private readonly StubHandler handler = new();

    [Fact]
    public async Task ReadCreditBalanceAsync_NoFreeCredits_ReturnsCreditsFromGetUserCredits()
    {
        handler.Reply(StubResponse.Json("""{"credits": 41.25, "free-credits": 0}"""));

        var balance = await CreateSut().ReadCreditBalanceAsync(CancellationToken.None);

        balance.ShouldBe(41.25m);
        handler.Requests.ShouldHaveSingleItem().Uri.AbsolutePath.ShouldBe("/v1/get-user-credits");
        handler.Requests[0].Header("x-api-key").ShouldBe(TestJobs.ApiKey);
    }

    [Theory]
    [InlineData("""{"credits": 41.25, "free-credits": 2}""", HttpStatusCode.OK)]
    [InlineData("""{"error": "Unauthorized"}""", HttpStatusCode.Unauthorized)]
    [InlineData("""{"balance": 3}""", HttpStatusCode.OK)]
    public async Task ReadCreditBalanceAsync_FreeCreditsErrorOrNoFigure_ReturnsNull(string body, HttpStatusCode status)
    {
        handler.Reply(StubResponse.Json(body, status));

        (await CreateSut().ReadCreditBalanceAsync(CancellationToken.None)).ShouldBeNull();
    }

    public void Dispose() => handler.Dispose();

    private ICreditBalanceSource CreateSut()
    {
        var settings = ProviderCatalog.CreateDefaults()[ProviderNames.Segmind];
        settings.BaseUrl = new Uri("http://provider.test");
        return (ICreditBalanceSource)ProviderAdapterFactory.Create(settings, new HttpClient(handler), TestJobs.ApiKey, new FakeTimeProvider(ProviderTestTime.Epoch));
    }
}
