using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

public sealed class JobAxesTests
{
    [Fact]
    public void ValueComparer_MixedValues_NumbersFirstThenNaturalOrder()
    {
        string[] values = ["clay", "720p x 10s", "10", "720p x 5s", "-3", "2", "1080p x 5s", "(none)", "2.5", "anime"];

        values.Order(JobAxes.ValueComparer).ShouldBe(["-3", "2", "2.5", "10", "(none)", "720p x 5s", "720p x 10s", "1080p x 5s", "anime", "clay"]);
    }

    [Fact]
    public void ValueOf_AxisMissingFromJob_FallsBackToJobFieldThenNone()
    {
        var job = ReportFixtures.Jobs()[0];

        JobAxes.ValueOf(job, "style").ShouldBe("anime");
        JobAxes.ValueOf(job, "resolution").ShouldBe("720p");
        JobAxes.ValueOf(job, "provider").ShouldBe("magnific");
        JobAxes.ValueOf(job, "mood").ShouldBe("(none)");
    }
}
