using BatchGen.Core.Costs;

namespace BatchGen.Tests.Costs;

/// <summary>A provider charging above its estimate: later admissions and the reservations still open use the higher rate.</summary>
public sealed class BudgetGateRateTests
{
    private static readonly Dictionary<string, decimal> NoCaps = new(StringComparer.Ordinal);

    [Fact]
    public void Commit_AboveEstimate_RaisesOpenReservationsAndLaterAdmissions()
    {
        var gate = new BudgetGate(10m, NoCaps, 0m, NoCaps);
        var first = gate.TryReserve("p", 0.50m).ShouldNotBeNull();
        var open = Enumerable.Range(0, 3).Select(_ => gate.TryReserve("p", 0.50m).ShouldNotBeNull()).ToList();

        gate.Commit(first, 1.50m).ShouldBeTrue();

        gate.RateOf("p").ShouldBe(3m);
        gate.ReservedUsd.ShouldBe(4.50m, "the three open reservations are held at 3 x 0.50");
        gate.RefusalReason("p", 0.50m).ShouldBeNull();
        gate.RefusalReason("other", 0.50m).ShouldBeNull();
        // spent 1.50 + reserved 4.50 = 6.00: two more at 1.50 fit (9.00), the third would pass 10.
        gate.TryReserve("p", 0.50m).ShouldNotBeNull();
        gate.TryReserve("p", 0.50m).ShouldNotBeNull();
        gate.TryReserve("p", 0.50m).ShouldBeNull();
        gate.TryReserve("other", 0.50m).ShouldNotBeNull("another provider keeps its own estimate");
        foreach (var reservation in open)
        {
            gate.Commit(reservation, 1.50m);
        }

        gate.SpentUsd.ShouldBe(6.00m);
        gate.ReservedUsd.ShouldBe(3.50m);
    }

    [Fact]
    public void Concurrency_ProviderCharging3x_SpentNeverPassesTheCapAfterTheFirstWave()
    {
        // 5 in flight at a time, a $20 cap, estimate 0.45, every charge 1.35.
        var gate = new BudgetGate(20m, NoCaps, 0m, NoCaps);
        var inFlight = new Queue<BudgetReservation>();
        for (var step = 0; step < 1000; step++)
        {
            while (inFlight.Count < 5 && gate.TryReserve("p", 0.45m) is { } reservation)
            {
                inFlight.Enqueue(reservation);
            }

            if (inFlight.Count == 0)
            {
                break;
            }

            gate.Commit(inFlight.Dequeue(), 1.35m);
        }

        gate.SpentUsd.ShouldBeLessThanOrEqualTo(20m);
        gate.SpentUsd.ShouldBeGreaterThan(17m, "it keeps admitting while the higher price fits");
    }

    [Fact]
    public void LearnCharge_FromTheLedgerOnResume_PricesTheFirstAdmission()
    {
        var gate = new BudgetGate(1m, NoCaps, 0m, NoCaps);
        gate.LearnCharge("p", 0.40m, 0.80m);
        gate.LearnCharge("p", 0.40m, 0.60m);

        gate.RateOf("p").ShouldBe(2m, "the highest ratio seen wins");
        gate.TryReserve("p", 0.40m).ShouldNotBeNull().HeldUsd.ShouldBe(0.80m);
        gate.TryReserve("p", 0.40m).ShouldBeNull();
    }
}
