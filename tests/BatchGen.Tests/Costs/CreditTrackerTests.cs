using BatchGen.Core.Costs;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BatchGen.Tests.Costs;

public sealed class CreditTrackerTests
{
    private static Dictionary<string, decimal?> Actuals(CreditTracker tracker, Func<decimal, decimal>? toUsd = null) =>
        tracker.Attribute(toUsd ?? (c => c)).ToDictionary(a => a.JobId, a => a.ActualCostUsd, StringComparer.Ordinal);

    [Fact]
    public void Attribute_ReadingsArriveOutOfOrder_EachJobGetsItsOwnCharge()
    {
        var tracker = new CreditTracker();
        tracker.ObserveBalance(100m);
        // Charged in the order a (0.5), b (1.0), c (0.375); the replies arrive c, a, b.
        tracker.ObserveCharge("c", 98.125m, 0.375m);
        tracker.ObserveCharge("a", 99.5m, 0.5m);
        tracker.ObserveCharge("b", 98.5m, 1.0m);

        var actuals = Actuals(tracker);

        actuals["a"].ShouldBe(0.5m);
        actuals["b"].ShouldBe(1.0m);
        actuals["c"].ShouldBe(0.375m);
    }

    [Fact]
    public void Attribute_NoBaseline_HighestReadingStaysNull()
    {
        var tracker = new CreditTracker();
        tracker.ObserveCharge("first", 99.5m, 0.5m);
        tracker.ObserveCharge("second", 99m, 0.5m);

        var attributions = tracker.Attribute(c => c).ToDictionary(a => a.JobId);

        attributions["first"].ActualCostUsd.ShouldBeNull();
        attributions["first"].Reason.ShouldBe("no balance observed before its charge");
        attributions["second"].ActualCostUsd.ShouldBe(0.5m);
    }

    [Fact]
    public void Attribute_MissedChargeMakesGapAboveEstimate_LeavesThatJobNull()
    {
        var tracker = new CreditTracker();
        tracker.ObserveBalance(10m);
        tracker.ObserveCharge("a", 9.5m, 0.5m);
        // A charge of 0.5 between a and b was never observed (its reply was lost): b's delta is 1.0 for a 0.5 estimate.
        tracker.ObserveCharge("b", 8.5m, 0.5m);
        tracker.ObserveCharge("c", 8m, 0.5m);

        var actuals = Actuals(tracker);

        actuals["a"].ShouldBe(0.5m);
        actuals["b"].ShouldBeNull();
        actuals["c"].ShouldBe(0.5m);
    }

    [Fact]
    public void Attribute_ForeignUsageBetweenCharges_IsNotChargedToOurJob()
    {
        var tracker = new CreditTracker();
        tracker.ObserveBalance(50m);
        tracker.ObserveCharge("a", 49.625m, 0.375m);
        // Someone else spent 5 credits on the same key before b was charged.
        tracker.ObserveCharge("b", 44.25m, 0.375m);

        var attributions = tracker.Attribute(c => c).ToDictionary(a => a.JobId);

        attributions["a"].ActualCostUsd.ShouldBe(0.375m);
        attributions["b"].ActualCostUsd.ShouldBeNull();
        attributions["b"].Reason!.ShouldContain("far above the estimate");
    }

    [Fact]
    public void Attribute_PointReadingFillsGap_MakesNextJobExact()
    {
        var tracker = new CreditTracker();
        tracker.ObserveCharge("a", 9.5m, 0.5m);
        // A poll reply read the balance after an unobserved charge; b is measured from it.
        tracker.ObserveBalance(9m);
        tracker.ObserveCharge("b", 8.5m, 0.5m);

        Actuals(tracker)["b"].ShouldBe(0.5m);
    }

    [Fact]
    public void Attribute_SameBalanceForTwoJobs_LeavesBothNull()
    {
        var tracker = new CreditTracker();
        tracker.ObserveBalance(10m);
        tracker.ObserveCharge("a", 9.5m, 0.5m);
        tracker.ObserveCharge("b", 9.5m, 0.5m);

        var actuals = Actuals(tracker);

        actuals["a"].ShouldBeNull();
        actuals["b"].ShouldBeNull();
    }

    [Fact]
    public void Attribute_BalanceRoseOrNoEstimate_LeavesNull()
    {
        var tracker = new CreditTracker();
        tracker.ObserveBalance(10m);
        tracker.ObserveCharge("noEstimate", 9.5m, null);
        tracker.ObserveCharge("conflict", 9m, 0.5m);
        tracker.ObserveCharge("conflict", 8m, 0.5m);

        var actuals = Actuals(tracker);

        actuals["noEstimate"].ShouldBeNull();
        actuals["conflict"].ShouldBeNull();
    }

    [Fact]
    public void Attribute_SameJobReportedTwiceWithSameBalance_CountsOnce()
    {
        var tracker = new CreditTracker();
        tracker.ObserveBalance(10m);
        tracker.ObserveCharge("a", 9.5m, 0.5m);
        tracker.ObserveCharge("a", 9.5m, 0.5m);

        tracker.ChargeCount.ShouldBe(1);
        Actuals(tracker)["a"].ShouldBe(0.5m);
    }

    [Fact]
    public void Attribute_CreditsConverter_IsAppliedBeforeTheEstimateCheck()
    {
        var tracker = new CreditTracker();
        tracker.ObserveBalance(1000m);
        tracker.ObserveCharge("a", 955m, 0.45m);

        Actuals(tracker, c => c * 0.01m)["a"].ShouldBe(0.45m);
    }

    [Property]
    public Property Attribute_AnyArrivalOrderWithBaseline_EveryJobGetsItsExactCharge()
    {
        var prices = new[] { 0.375m, 0.5m, 0.75m, 1.0m };
        return Prop.ForAll(
            Gen.Choose(0, 3).ListOf().Where(l => l.Count is > 0 and < 30).ToArbitrary(),
            Gen.Choose(0, int.MaxValue).ToArbitrary(),
            (choices, seed) =>
            {
                var tracker = new CreditTracker();
                var balance = 500m;
                tracker.ObserveBalance(balance);
                var readings = new List<(string Id, decimal Balance, decimal Price)>();
                for (var i = 0; i < choices.Count; i++)
                {
                    var price = prices[choices[i]];
                    balance -= price;
                    readings.Add(($"job{i:00}", balance, price));
                }

                var random = new Random(seed);
                foreach (var r in readings.OrderBy(_ => random.Next()))
                {
                    tracker.ObserveCharge(r.Id, r.Balance, r.Price);
                }

                var actuals = Actuals(tracker);
                return readings.All(r => actuals[r.Id] == r.Price);
            });
    }
}
