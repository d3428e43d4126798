using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

/// <summary>"Remaining, estimated" counts jobs never submitted; a reported cost more than 3x off is shown apart, not summed.</summary>
public sealed class CostFlagAndRemainingTests
{
    [Fact]
    public void Build_NeverSubmittedJobsWithoutEstimate_PricedIntoRemaining()
    {
        var jobs = new List<LedgerJob>
        {
            ReportFixtures.Job("b000000000000001", ProviderNames.Magnific, "anime", 1, "720p", 5, JobState.Succeeded, 0.45m, null, 50),
            ReportFixtures.Job("b000000000000002", ProviderNames.Magnific, "anime", 2, "720p", 5, JobState.Pending, null, null, null),
            ReportFixtures.Job("b000000000000003", ProviderNames.Magnific, "anime", 3, "720p", 5, JobState.Pending, null, null, null),
        };
        var input = ReportFixtures.Input(jobs) with { PriceOf = _ => 0.45m };

        var total = ReportModel.Build(input).Total;

        total.RemainingEstimateUsd.ShouldBe(0.90m);
        total.RemainingJobs.ShouldBe(2);
        total.RemainingUnpriced.ShouldBe(0);
    }

    [Fact]
    public void Build_NoPriceTable_CountsUnpricedInsteadOfZeroSilently()
    {
        var jobs = new List<LedgerJob> { ReportFixtures.Job("b000000000000002", ProviderNames.Magnific, "anime", 2, "720p", 5, JobState.Pending, null, null, null) };

        var model = ReportModel.Build(ReportFixtures.Input(jobs));

        model.Total.RemainingUnpriced.ShouldBe(1);
        CostReportMarkdown.Render(model).ShouldContain("| Remaining, estimated | $0.00 for 1 job (1 with no price, not included) |");
    }

    [Fact]
    public void Build_ReportedCostOverThreeTimesTheEstimate_FlaggedAndEstimateCountsAsSpent()
    {
        var jobs = new List<LedgerJob>
        {
            ReportFixtures.Job("c000000000000001", ProviderNames.AimlApi, "anime", 1, "540p", 5, JobState.Succeeded, 0.45m, 1200m, 50),
            ReportFixtures.Job("c000000000000002", ProviderNames.AimlApi, "anime", 2, "540p", 5, JobState.Succeeded, 0.45m, 0.50m, 50),
        };

        var model = ReportModel.Build(ReportFixtures.Input(jobs));

        model.Total.SpentUsd.ShouldBe(0.95m);
        model.Total.FlaggedJobs.ShouldBe(1);
        model.Total.FlaggedReportedUsd.ShouldBe(1200m);
        model.Total.ActualReportedUsd.ShouldBe(0.50m);
        var markdown = CostReportMarkdown.Render(model);
        markdown.ShouldContain("## Flagged provider-reported costs");
        markdown.ShouldContain("| c000000000000001 | aimlapi | $0.45 | $1,200.00 | reported $1,200.00 against an estimate of $0.45");
        SummaryJson.Render(model).ShouldContain("\"flagged_jobs\": 1");
    }

    [Fact]
    public void Render_SimulatedLedger_LabelsMoneySimulatedEverywhere()
    {
        var model = ReportModel.Build(ReportFixtures.Input() with { Simulated = true });

        CostReportMarkdown.Render(model).ShouldContain("| Spent | $1.98 (simulated) |");
        SummaryJson.Render(model).ShouldContain("\"simulated\": true");
        ContactSheetHtml.Render(model, ContactSheetLayout.Resolve(model, ContactSheetOptions.Default).Layout!, Path.GetTempPath()).ShouldContain("simulated</b>: no money was spent");
    }
}
