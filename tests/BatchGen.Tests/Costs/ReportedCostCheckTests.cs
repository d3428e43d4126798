using BatchGen.Core.Costs;

namespace BatchGen.Tests.Costs;

public sealed class ReportedCostCheckTests
{
    [Fact]
    public void IsFlagged_CreditsReadAsDollars_Flagged()
    {
        // 120000 credits read as $1,200 for a video estimated at $0.45.
        ReportedCostCheck.IsFlagged(0.45m, 1200m).ShouldBeTrue();
        ReportedCostCheck.Counted(1200m, 0.45m).ShouldBe(0.45m);
    }

    [Theory]
    [InlineData(1.00, 3.00, false)]
    [InlineData(1.00, 3.01, true)]
    [InlineData(1.00, 0.34, false)]
    [InlineData(1.00, 0.33, true)]
    [InlineData(1.00, 0.00, true)]
    public void IsFlagged_MoreThanThreeTimesEitherWay(double estimate, double reported, bool flagged)
    {
        ReportedCostCheck.IsFlagged((decimal)estimate, (decimal)reported).ShouldBe(flagged);
    }

    [Fact]
    public void Counted_PlausibleOrNoEstimate_UsesTheReportedCost()
    {
        ReportedCostCheck.Counted(0.55m, 0.60m).ShouldBe(0.55m);
        ReportedCostCheck.Counted(5m, null).ShouldBe(5m);
        ReportedCostCheck.Counted(null, 0.60m).ShouldBe(0.60m);
    }

    [Fact]
    public void Explain_SaysWhatWhereAndWhy()
    {
        var text = ReportedCostCheck.Explain(0.45m, 1200m);

        text.ShouldContain("reported $1,200.00 against an estimate of $0.45");
        text.ShouldContain("not counted as spent");
    }
}
