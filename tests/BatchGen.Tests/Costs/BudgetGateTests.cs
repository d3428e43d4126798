using BatchGen.Core.Costs;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BatchGen.Tests.Costs;

public sealed class BudgetGateTests
{
    private static readonly Dictionary<string, decimal> NoCaps = new(StringComparer.Ordinal);

    private static BudgetGate CreateSut(decimal? max, Dictionary<string, decimal>? caps = null, decimal spent = 0m, Dictionary<string, decimal>? spentBy = null) =>
        new(max, caps ?? NoCaps, spent, spentBy ?? NoCaps);

    [Fact]
    public void TryReserve_WithinCap_ReservesAndCommitMovesActualToSpent()
    {
        var gate = CreateSut(1.00m);

        var reservation = gate.TryReserve("segmind", 0.40m);

        reservation.ShouldNotBeNull();
        gate.ReservedUsd.ShouldBe(0.40m);
        gate.Commit(reservation, 0.35m).ShouldBeTrue();
        gate.ReservedUsd.ShouldBe(0m);
        gate.SpentUsd.ShouldBe(0.35m);
    }

    [Fact]
    public void TryReserve_ExactlyAtCap_IsGrantedAndOneCentMoreIsRefused()
    {
        var gate = CreateSut(1.00m);

        gate.TryReserve("magnific", 0.60m).ShouldNotBeNull();
        gate.TryReserve("magnific", 0.40m).ShouldNotBeNull();

        gate.TryReserve("magnific", 0.01m).ShouldBeNull();
        gate.RefusalReason("magnific", 0.01m).ShouldNotBeNull().ShouldContain("cap of $1.00");
    }

    [Fact]
    public void TryReserve_ProviderCapReached_RefusesThatProviderOnly()
    {
        var gate = CreateSut(null, new Dictionary<string, decimal>(StringComparer.Ordinal) { ["pixwith"] = 0.50m });

        gate.TryReserve("pixwith", 0.50m).ShouldNotBeNull();

        gate.TryReserve("pixwith", 0.10m).ShouldBeNull();
        gate.RefusalReason("pixwith", 0.10m).ShouldNotBeNull().ShouldContain("pixwith cap");
        gate.TryReserve("segmind", 10m).ShouldNotBeNull();
    }

    [Fact]
    public void TryReserve_AlreadySpentOnResume_CountsAgainstTheCaps()
    {
        var spentBy = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["aimlapi"] = 0.90m };
        var caps = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["aimlapi"] = 1.00m };
        var gate = CreateSut(5.00m, caps, 4.50m, spentBy);

        gate.TryReserve("aimlapi", 0.20m).ShouldBeNull();
        gate.TryReserve("segmind", 0.60m).ShouldBeNull();
        gate.TryReserve("segmind", 0.50m).ShouldNotBeNull();
        gate.Snapshot().Providers["aimlapi"].RemainingUsd.ShouldBe(0.10m);
    }

    [Fact]
    public void Release_FreesTheReservationWithoutSpending()
    {
        var gate = CreateSut(1.00m);
        var reservation = gate.TryReserve("gmicloud", 1.00m).ShouldNotBeNull();

        gate.Release(reservation).ShouldBeTrue();

        gate.SpentUsd.ShouldBe(0m);
        gate.ReservedUsd.ShouldBe(0m);
        gate.TryReserve("gmicloud", 1.00m).ShouldNotBeNull();
    }

    [Fact]
    public void Settle_Twice_SecondCallIsANoOpReturningFalse()
    {
        var gate = CreateSut(2.00m);
        var reservation = gate.TryReserve("segmind", 1.00m).ShouldNotBeNull();

        gate.Commit(reservation, 1.00m).ShouldBeTrue();

        gate.Release(reservation).ShouldBeFalse();
        gate.Commit(reservation, 1.00m).ShouldBeFalse();
        gate.SpentUsd.ShouldBe(1.00m);
        gate.ReservedUsd.ShouldBe(0m);
        reservation.IsSettled.ShouldBeTrue();
    }

    [Fact]
    public void Commit_ReservationOfAnotherGate_Throws()
    {
        var other = CreateSut(null).TryReserve("segmind", 1m).ShouldNotBeNull();

        Should.Throw<ArgumentException>(() => CreateSut(null).Commit(other, 1m));
    }

    [Fact]
    public void Commit_AboveEstimate_RecordsWhatWasChargedAndRefusesFurtherReservations()
    {
        var gate = CreateSut(1.00m);
        var reservation = gate.TryReserve("aimlapi", 0.90m).ShouldNotBeNull();

        gate.Commit(reservation, 1.20m);

        gate.SpentUsd.ShouldBe(1.20m);
        gate.TryReserve("aimlapi", 0m).ShouldBeNull();
        gate.Snapshot().RemainingUsd.ShouldBe(0m);
    }

    [Fact]
    public void TryReserve_NegativeEstimate_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => CreateSut(null).TryReserve("segmind", -0.01m));
    }

    [Fact]
    public void Snapshot_ListsCapsSpentAndReservedPerProvider()
    {
        var caps = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["segmind"] = 3m };
        var gate = CreateSut(10m, caps);
        var a = gate.TryReserve("segmind", 1m).ShouldNotBeNull();
        gate.TryReserve("magnific", 2m).ShouldNotBeNull();
        gate.Commit(a, 0.5m);

        var snapshot = gate.Snapshot();

        snapshot.SpentUsd.ShouldBe(0.5m);
        snapshot.ReservedUsd.ShouldBe(2m);
        snapshot.RemainingUsd.ShouldBe(7.5m);
        snapshot.Providers.Keys.ShouldBe(["magnific", "segmind"]);
        snapshot.Providers["segmind"].ShouldBe(new ProviderBudget(0.5m, 0m, 3m));
        snapshot.Providers["magnific"].ShouldBe(new ProviderBudget(0m, 2m, null));
    }

    /// <summary>
    /// Any sequence of reserve / commit (at or below the estimate) / release keeps spent + reserved under every
    /// cap, and the gate's sums equal a plain model's exactly.
    /// </summary>
    [Property]
    public Property Operations_AnySequence_NeverPassCapsAndSumsMatchModel()
    {
        var providers = new[] { "magnific", "segmind", "pixwith" };
        var operation = Gen.Zip(Gen.Choose(0, 2), Gen.Zip(Gen.Choose(0, 2), Gen.Choose(0, 400)));
        var scenario = Gen.Zip(Gen.Choose(0, 2000), Gen.ListOf(operation));

        return Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var (maxCents, ops) = s;
            var max = maxCents / 100m;
            var caps = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["segmind"] = max / 2 };
            var gate = CreateSut(max, caps);
            var open = new List<BudgetReservation>();
            decimal spent = 0m, spentSegmind = 0m;
            foreach (var (kind, (who, cents)) in ops)
            {
                var amount = cents / 100m;
                if (kind == 0 || open.Count == 0)
                {
                    var provider = providers[who];
                    var before = gate.Snapshot();
                    var fits = before.SpentUsd + before.ReservedUsd + amount <= max
                        && (provider != "segmind" || before.Providers.GetValueOrDefault("segmind") is not { } p || p.SpentUsd + p.ReservedUsd + amount <= max / 2);
                    var reservation = gate.TryReserve(provider, amount);
                    if ((reservation is not null) != fits)
                    {
                        return false;
                    }

                    if (reservation is not null)
                    {
                        open.Add(reservation);
                    }
                }
                else
                {
                    var reservation = open[who % open.Count];
                    open.Remove(reservation);
                    if (kind == 1)
                    {
                        var actual = decimal.Round(reservation.EstimatedUsd * cents / 400m, 4);
                        gate.Commit(reservation, actual);
                        spent += actual;
                        spentSegmind += reservation.Provider == "segmind" ? actual : 0m;
                    }
                    else
                    {
                        gate.Release(reservation);
                    }
                }

                var snapshot = gate.Snapshot();
                var segmind = snapshot.Providers.GetValueOrDefault("segmind");
                if (snapshot.SpentUsd + snapshot.ReservedUsd > max
                    || (segmind is not null && segmind.SpentUsd + segmind.ReservedUsd > max / 2)
                    || snapshot.SpentUsd != spent
                    || snapshot.ReservedUsd != open.Sum(r => r.EstimatedUsd)
                    || (segmind?.SpentUsd ?? 0m) != spentSegmind)
                {
                    return false;
                }
            }

            return true;
        });
    }

    /// <summary>Many tasks admit, commit and release at once: the cap holds at every observation and the sums are exact.</summary>
    [Fact]
    public async Task Operations_ManyConcurrentTasks_NeverPassCapAndSumsAreExact()
    {
        const decimal max = 25.00m;
        var caps = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["segmind"] = 10.00m };
        var gate = CreateSut(max, caps);
        var committed = new decimal[16];
        var violations = 0;
        var granted = 0;
        var refused = 0;

        var workers = Enumerable.Range(0, committed.Length).Select(worker => Task.Run(() =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 2_000; i++)
            {
                var provider = random.Next(3) == 0 ? "segmind" : "magnific";
                var estimate = random.Next(1, 120) / 100m;
                var reservation = gate.TryReserve(provider, estimate);
                var snapshot = gate.Snapshot();
                if (snapshot.SpentUsd + snapshot.ReservedUsd > max
                    || (snapshot.Providers.GetValueOrDefault("segmind") is { } s && s.SpentUsd + s.ReservedUsd > 10.00m))
                {
                    Interlocked.Increment(ref violations);
                }

                if (reservation is null)
                {
                    Interlocked.Increment(ref refused);
                    continue;
                }

                Interlocked.Increment(ref granted);
                if (random.Next(4) == 0)
                {
                    gate.Release(reservation);
                }
                else if (gate.Commit(reservation, estimate * 0.01m))
                {
                    committed[worker] += estimate * 0.01m;
                }
            }
        }));
        await Task.WhenAll(workers);

        violations.ShouldBe(0);
        granted.ShouldBeGreaterThan(100);
        refused.ShouldBeGreaterThan(0);
        gate.ReservedUsd.ShouldBe(0m);
        gate.SpentUsd.ShouldBe(committed.Sum());
        gate.SpentUsd.ShouldBeLessThanOrEqualTo(max);
    }
}
