using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BatchGen.Tests.Reports;

public sealed class ReportModelTests
{
    [Fact]
    public void Build_FixedLedger_SpentFollowsTheDefinition()
    {
        var model = ReportModel.Build(ReportFixtures.Input());

        // 0.45 (estimate, succeeded) + 0.55 (reported actual) + 0.375 (estimate) + 0.60 (failed on segmind, which charges failures).
        model.Total.SpentUsd.ShouldBe(1.975m);
        model.Total.ActualReportedUsd.ShouldBe(0.55m);
        model.Total.ChargedEstimateUsd.ShouldBe(0.45m + 0.60m + 0.375m + 0.60m);
        model.Total.EstimatedUsd.ShouldBe(4.515m);
        model.Total.RemainingEstimateUsd.ShouldBe(0.99m + 0.60m);
        model.Total.CostPerSuccessUsd.ShouldBe(decimal.Round(1.975m / 3, 6));
        (model.Total.Succeeded, model.Total.Failed, model.Total.InFlight, model.Total.NotSubmitted).ShouldBe((3, 2, 1, 1));
    }

    [Fact]
    public void Build_FixedLedger_SectionsInOrderWithSortedKeys()
    {
        var model = ReportModel.Build(ReportFixtures.Input());

        model.Sections.Select(s => s.Dimension).ShouldBe(["provider", "resolution x duration", "style", "seed"]);
        model.Sections[1].Rows.Select(r => r.Key).ShouldBe(["540p x 5s", "720p x 5s", "720p x 10s", "1080p x 8s"]);
        model.Dimensions.ShouldBe(["style", "seed", "provider"]);
    }

    [Fact]
    public void Build_FixedLedger_ComparisonHasRatesAndNearestRankLatency()
    {
        var model = ReportModel.Build(ReportFixtures.Input());

        var segmind = model.Comparison.Single(r => r.Axis == "provider" && r.Value == ProviderNames.Segmind);
        segmind.Jobs.ShouldBe(4);
        segmind.SuccessRate.ShouldBe(2.0 / 3);
        segmind.LatencyP50Seconds.ShouldNotBeNull().ShouldBe(61.9, 1e-3);
        segmind.LatencyP95Seconds.ShouldNotBeNull().ShouldBe(70, 1e-3);
        segmind.CostPerSuccessUsd.ShouldBe(0.7625m);
        var anime = model.Comparison.Single(r => r.Axis == "style" && r.Value == "anime");
        (anime.Jobs, anime.Succeeded, anime.Failed).ShouldBe((4, 2, 1));
    }

    [Fact]
    public void Build_AnAxisWithMoreValuesThanTheLimit_NotBrokenDownAndNoContactSheetAxis()
    {
        var count = ReportModelBuilder.MaxValuesPerDimension + 1;
        var jobs = Enumerable.Range(0, count)
            .Select(i => ReportFixtures.Job(i.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), ProviderNames.Magnific, i % 2 == 0 ? "anime" : "clay", i, "720p", 5, JobState.Succeeded, 0.45m, null, 50))
            .ToList();

        var model = ReportModel.Build(ReportFixtures.Input(jobs));

        var seed = model.Sections.Single(s => s.Dimension == "seed");
        seed.Title.ShouldBe("By seed: more than 10,000 values, not broken down");
        seed.Rows.ShouldBeEmpty();
        seed.Total.Jobs.ShouldBe(count);
        model.Sections.Single(s => s.Dimension == "style").Rows.Select(r => r.Key).ShouldBe(["anime", "clay"]);
        model.Comparison.ShouldNotContain(r => r.Axis == "seed");
        model.ValuesOf("seed").ShouldBeEmpty();
        ContactSheetLayout.Resolve(model, new ContactSheetOptions("seed", null)).Error.ShouldNotBeNull().ShouldStartWith("--rows seed: more than 10,000 values");
        var layout = ContactSheetLayout.Resolve(model, ContactSheetOptions.Default).Layout.ShouldNotBeNull();
        (layout.RowAxis, layout.ColumnAxis).ShouldBe((null, "style"));
    }

    [Fact]
    public void Build_NoJobs_TotalsAreZeroAndRatesUndefined()
    {
        var model = ReportModel.Build(ReportFixtures.Input([]));

        model.Total.Jobs.ShouldBe(0);
        model.Total.CostPerSuccessUsd.ShouldBeNull();
        model.Comparison.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(new[] { 10.0 }, 0.5, 10.0)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 0.5, 2.0)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 0.95, 4.0)]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0 }, 0.95, 19.0)]
    public void Percentile_SortedValues_NearestRank(double[] values, double p, double expected)
    {
        AbRow.Percentile(values, p).ShouldBe(expected);
    }

    /// <summary>For any ledger: every section's rows add up to its total, and every total equals the overall total.</summary>
    [Property]
    public Property Build_AnyLedger_TotalsEqualSumOfRows()
    {
        return Prop.ForAll(RandomLedger().ToArbitrary(), jobs =>
        {
            var model = ReportModel.Build(ReportFixtures.Input(jobs));
            foreach (var section in model.Sections)
            {
                var rows = section.Rows;
                if (rows.Sum(r => r.Jobs) != section.Total.Jobs
                    || rows.Sum(r => r.Succeeded) != section.Total.Succeeded
                    || rows.Sum(r => r.Failed) != section.Total.Failed
                    || rows.Sum(r => r.InFlight) != section.Total.InFlight
                    || rows.Sum(r => r.NotSubmitted) != section.Total.NotSubmitted
                    || rows.Sum(r => r.EstimatedUsd) != section.Total.EstimatedUsd
                    || rows.Sum(r => r.ChargedEstimateUsd) != section.Total.ChargedEstimateUsd
                    || rows.Sum(r => r.SpentUsd) != section.Total.SpentUsd
                    || rows.Sum(r => r.ActualReportedUsd) != section.Total.ActualReportedUsd
                    || rows.Sum(r => r.RemainingEstimateUsd) != section.Total.RemainingEstimateUsd
                    || section.Total != model.Total)
                {
                    return false;
                }
            }

            return model.Dimensions.All(d =>
                model.Comparison.Where(r => r.Axis == d).Sum(r => r.Jobs) == jobs.Count
                && model.Comparison.Where(r => r.Axis == d).Sum(r => r.SpentUsd) == model.Total.SpentUsd);
        });
    }

    internal static Gen<IReadOnlyList<LedgerJob>> RandomLedger()
    {
        var states = Enum.GetValues<JobState>();
        var job = Gen.Zip(
                Gen.Zip(Gen.Elements(ProviderNames.All.ToArray()), Gen.Elements("anime", "clay", "comic")),
                Gen.Zip(Gen.Elements(states), Gen.Zip(Gen.Choose(0, 100_000), Gen.Choose(-1, 3_000_000))))
            .Select(t =>
            {
                var ((provider, style), (state, (estimate, actual))) = t;
                return (provider, style, state, estimate, actual);
            });
        return Gen.ListOf(job).Select(list => (IReadOnlyList<LedgerJob>)list.Select((j, i) =>
            ReportFixtures.Job(
                $"{i:x16}",
                j.provider,
                j.style,
                i % 3,
                i % 2 == 0 ? "720p" : "1080p",
                i % 4 == 0 ? 8 : 5,
                j.state,
                j.estimate == 0 ? null : j.estimate / 10_000m,
                j.actual < 0 ? null : j.actual / 3_000_000m,
                j.state == JobState.Succeeded ? i % 90 + 10 : null)).ToList());
    }
}
