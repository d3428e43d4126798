using BatchGen.Core.Costs;
using BatchGen.Core.Reports;
using BatchGen.Tests.Reports;

namespace BatchGen.Tests.Costs;

public sealed class BudgetResumeTests
{
    [Fact]
    public void FromLedger_FixedLedger_SpentMatchesReportsAndInFlightJobsAreReserved()
    {
        var jobs = ReportFixtures.Jobs();
        var caps = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["segmind"] = 2.00m };

        var resume = BudgetResume.FromLedger(3.00m, caps, jobs, ReportFixtures.ChargeFailed);

        var snapshot = resume.Gate.Snapshot();
        snapshot.SpentUsd.ShouldBe(ReportModel.Build(ReportFixtures.Input()).Total.SpentUsd);
        snapshot.Providers["segmind"].SpentUsd.ShouldBe(1.525m);
        resume.InFlight.Keys.ShouldBe(["a1b2c3d4e5f60006"]);
        snapshot.ReservedUsd.ShouldBe(0.60m);
        resume.Gate.TryReserve("segmind", 0.20m).ShouldBeNull();
        resume.Gate.Commit(resume.InFlight["a1b2c3d4e5f60006"], 0.60m).ShouldBeTrue();
        resume.Gate.SpentUsd.ShouldBe(1.975m + 0.60m);
    }

    [Fact]
    public void FromLedger_InFlightPassesCap_StillReservedAndNewJobsRefused()
    {
        var resume = BudgetResume.FromLedger(0.10m, new Dictionary<string, decimal>(StringComparer.Ordinal), ReportFixtures.Jobs(), ReportFixtures.ChargeFailed);

        resume.InFlight.Count.ShouldBe(1);
        resume.Gate.TryReserve("magnific", 0m).ShouldBeNull();
    }
}
