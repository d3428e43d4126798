using BatchGen.Core.Jobs;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Providers;

public sealed class ProviderAdapterFactoryTests
{
    [Fact]
    public void Create_EveryKnownProvider_ReturnsAdapterWithThatName()
    {
        using var http = new HttpClient();
        foreach (var (name, settings) in ProviderCatalog.CreateDefaults())
        {
            ProviderAdapterFactory.Create(settings, http, "k", TimeProvider.System).Name.ShouldBe(name);
        }
    }

    [Fact]
    public void Create_Magnific_CanListTasks()
    {
        using var http = new HttpClient();

        ProviderAdapterFactory.Create(ProviderCatalog.CreateDefaults()[ProviderNames.Magnific], http, "k", TimeProvider.System)
            .ShouldBeAssignableTo<ITaskLister>();
    }

    [Fact]
    public void Create_UnknownProvider_ThrowsNamingTheKnownOnes()
    {
        using var http = new HttpClient();
        var settings = new ProviderSettings { Name = "acme", BaseUrl = new Uri("http://x.test"), ApiKeyEnv = "ACME_KEY" };

        var error = Should.Throw<ArgumentException>(() => ProviderAdapterFactory.Create(settings, http, "k", TimeProvider.System));

        error.Message.ShouldContain("magnific");
    }

    [Fact]
    public async Task Create_SettingsChangedAfterwards_AdapterKeepsItsCopy()
    {
        using var handler = new StubHandler().Reply(StubResponse.Json("""{"request_id":"r1","status":"queued"}"""));
        using var http = new HttpClient(handler);
        var settings = ProviderCatalog.CreateDefaults()[ProviderNames.GmiCloud];
        settings.BaseUrl = new Uri("http://first.test");
        var adapter = ProviderAdapterFactory.Create(settings, http, "k", TimeProvider.System);

        settings.BaseUrl = new Uri("http://second.test");
        await adapter.SubmitAsync(TestJobs.Job(ProviderNames.GmiCloud), CancellationToken.None);

        handler.Requests.Single().Uri.Host.ShouldBe("first.test");
    }
}
