using BatchGen.Simulator;
using FsCheck.Xunit;

namespace BatchGen.Tests.Simulator;

public sealed class DeterminismTests
{
    private static void Faulty(SimulatorScenario s)
    {
        foreach (var p in s.Providers.Values)
        {
            p.Faults = new FaultScenario { Http503 = 0.2, TaskFailed = 0.2, TaskModeration = 0.1, TaskNeverFinishes = 0.1 };
        }
    }

    /// <summary>Submits jobs j0..j(n-1) to GMI Cloud in the given order; returns, per job key, what the client saw.</summary>
    private static async Task<SortedDictionary<string, string>> RunAsync(int seed, IEnumerable<int> order)
    {
        await using var sim = await SimTestHost.StartAsync(Faulty, seed);
        var seen = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var ids = new Dictionary<string, string>();
        foreach (var i in order)
        {
            var key = $"job-{i}";
            var (status, json, _) = await sim.SendAsync(
                HttpMethod.Post, "/gmicloud/api/v1/ie/requestqueue/apikey/requests", DocExamples.GmiCurlSubmit.Body,
                ("Authorization", "Bearer k"), ("Idempotency-Key", key));
            seen[key] = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (status == 200)
            {
                ids[key] = json!["request_id"]!.GetValue<string>();
            }
        }

        sim.FinishAll();
        foreach (var (key, id) in ids)
        {
            var (_, json, _) = await sim.GetAsync($"/gmicloud/api/v1/ie/requestqueue/apikey/requests/{id}", ("Authorization", "Bearer k"));
            seen[key] += $" {id} {json?["status"]}";
        }

        return seen;
    }

    [Fact]
    public async Task SameSeed_SameRequests_GiveTheSameIdsFaultsAndFates()
    {
        var a = await RunAsync(7, Enumerable.Range(0, 30));
        var b = await RunAsync(7, Enumerable.Range(0, 30));
        b.ShouldBe(a);
        a.Values.Count(v => v.StartsWith("503", StringComparison.Ordinal)).ShouldBeGreaterThan(0);
        a.Values.Count(v => v.EndsWith("failed", StringComparison.Ordinal)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task SameSeed_DifferentArrivalOrder_GivesEachJobTheSameFate()
    {
        var a = await RunAsync(7, Enumerable.Range(0, 30));
        var b = await RunAsync(7, Enumerable.Range(0, 30).Reverse());
        b.ShouldBe(a);
    }

    [Fact]
    public async Task DifferentSeed_GivesDifferentIds()
    {
        var a = await RunAsync(7, Enumerable.Range(0, 10));
        var b = await RunAsync(8, Enumerable.Range(0, 10));
        b.ShouldNotBe(a);
    }

    [Property]
    public bool Unit_IsAPureFunctionInRange(int seed, string subject, long n)
    {
        var s = subject ?? string.Empty;
        var u = Deterministic.Unit(seed, "magnific", s, n, "fate");
        return u >= 0 && u < 1 && u == Deterministic.Unit(seed, "magnific", s, n, "fate");
    }
}
