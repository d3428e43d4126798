using System.Diagnostics;
using BatchGen.Fleet.Postgres;

namespace BatchGen.Tests.Fleet;

/// <summary>The shared token bucket: permits from many connections together never pass the rate; 429s halve it for all.</summary>
public sealed class PostgresRateLimitTests(FleetTestDatabase db) : IClassFixture<FleetTestDatabase>
{
    [Fact]
    public async Task AcquireAsync_FourWorkersConcurrently_TogetherStayWithinTheRate()
    {
        const double PerSecond = 20;
        const int PerWorker = 15;
        var key = $"aimlapi:{Guid.NewGuid():N}";
        var rates = new Dictionary<string, ProviderRate>(StringComparer.Ordinal) { ["aimlapi"] = new(key, PerSecond) };
        var fleets = new List<PostgresFleet>();
        for (var i = 0; i < 4; i++)
        {
            fleets.Add(await db.JoinAsync(db.NewBatch(), rates: rates));
        }

        try
        {
            var clock = Stopwatch.StartNew();
            var grants = await Task.WhenAll(fleets.Select(async f =>
            {
                var times = new List<double>();
                for (var i = 0; i < PerWorker; i++)
                {
                    await f.Rate.AcquireAsync("aimlapi", CancellationToken.None);
                    times.Add(clock.Elapsed.TotalSeconds);
                }

                return times;
            }));
            var all = grants.SelectMany(t => t).Order().ToList();
            all.Count.ShouldBe(4 * PerWorker);
            // 60 permits at 20/s: the first is free, the other 59 take at least 59/20 s (slots 50 ms apart in the database).
            all[^1].ShouldBeGreaterThanOrEqualTo((all.Count - 1) / PerSecond * 0.95);
            db.Scalar($"SELECT granted FROM batchgen.fleet_rates WHERE key = '{key}';").ShouldBe("60");
            // No second of the run saw more than its share (one permit of slack for the edges of the window).
            for (var i = 0; i < all.Count; i++)
            {
                all.Count(t => t >= all[i] && t < all[i] + 1.0).ShouldBeLessThanOrEqualTo((int)PerSecond + 2);
            }
        }
        finally
        {
            foreach (var f in fleets)
            {
                await f.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task OnThrottledAsync_OneWorkerSees429_SharedRateHalvesForAll()
    {
        var key = $"segmind:{Guid.NewGuid():N}";
        var rates = new Dictionary<string, ProviderRate>(StringComparer.Ordinal) { ["segmind"] = new(key, 10) };
        await using var a = await db.JoinAsync(db.NewBatch(), rates: rates);
        await using var b = await db.JoinAsync(db.NewBatch(), rates: rates);
        await a.Rate.OnThrottledAsync("segmind", TimeSpan.FromMilliseconds(300), CancellationToken.None);
        db.Scalar($"SELECT rate, throttled FROM batchgen.fleet_rates WHERE key = '{key}';").ShouldBe("5|1");
        await b.Rate.OnThrottledAsync("segmind", null, CancellationToken.None);
        db.Scalar($"SELECT rate FROM batchgen.fleet_rates WHERE key = '{key}';").ShouldBe("2.5");
        // b's next permit waits for a's Retry-After too (the pause is in the shared row).
        var clock = Stopwatch.StartNew();
        await b.Rate.AcquireAsync("segmind", CancellationToken.None);
        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(150));
        db.Scalar($"SELECT rate FROM batchgen.fleet_rates WHERE key = '{key}';").ShouldBe("2.7", "additive increase per permit: +2% of 10/s");
    }

    [Fact]
    public void KeyIdentity_IsAHashNeverTheKey()
    {
        var identity = FleetConstants.KeyIdentity("magnific", "sk-secret-value");
        identity.ShouldStartWith("magnific:");
        identity.ShouldNotContain("secret");
        identity.ShouldBe(FleetConstants.KeyIdentity("magnific", "sk-secret-value"));
        identity.ShouldNotBe(FleetConstants.KeyIdentity("magnific", "sk-other"));
    }
}
