using System.Text.Json;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;

namespace BatchGen.Tests.Pipeline;

/// <summary>One rate permit per HTTP request, counted against the requests the simulator saw.</summary>
public sealed class RunEnginePermitTests
{
    [Fact]
    public async Task RunAsync_SegmindAsync_OnePermitPerHttpRequestIncludingTheResultFetch()
    {
        await using var h = await PipelineHarness.StartAsync();
        var jobs = PipelineHarness.Jobs(ProviderNames.Segmind, 12).ToList();

        var summary = await h.RunAsync(jobs);

        summary.Count(JobState.Succeeded).ShouldBe(12);
        using var http = new HttpClient();
        using var log = JsonDocument.Parse(await http.GetStringAsync(new Uri(h.Sim.BaseAddress, "_sim/requests")));
        var requests = log.RootElement.GetProperty("requests").EnumerateArray()
            .Where(r => r.GetProperty("provider").GetString() == ProviderNames.Segmind && !r.GetProperty("path").GetString()!.Contains("/files/", StringComparison.Ordinal))
            .ToList();
        // Every finished task needed a status request and a result request: both are there, each with its own permit.
        requests.Count(r => r.GetProperty("path").GetString()!.EndsWith("/status", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(12);
        h.Progress.For(ProviderNames.Segmind).Requests.ShouldBe(requests.Count);
    }
}
