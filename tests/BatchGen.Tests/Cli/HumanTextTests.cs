using BatchGen.Cli.Rendering;
using BatchGen.Core.Text;

namespace BatchGen.Tests.Cli;

public sealed class HumanTextTests
{
    [Fact]
    public void Duration_OverADay_NamesDaysInsteadOfWrappingAt24Hours()
    {
        // 100,000 s used to print as 03:46:40.
        HumanText.Duration(TimeSpan.FromSeconds(100_000)).ShouldBe("1 day, 3 hours");
    }

    [Theory]
    [InlineData(45, "45 seconds")]
    [InlineData(125, "2 minutes, 5 seconds")]
    [InlineData(3_600, "1 hour")]
    [InlineData(0.2, "under a second")]
    public void Duration_CommonSpans_ReadAsWords(double seconds, string expected)
    {
        HumanText.Duration(TimeSpan.FromSeconds(seconds)).ShouldBe(expected);
    }

    [Theory]
    [InlineData(0, "0 jobs")]
    [InlineData(1, "1 job")]
    [InlineData(2, "2 jobs")]
    [InlineData(1234, "1,234 jobs")]
    public void Quantity_Jobs_SingularAndPlural(long count, string expected)
    {
        HumanText.Quantity(count, "job").ShouldBe(expected);
    }

    [Fact]
    public void Usd_ForPeople_TwoDecimalsWithSeparators()
    {
        HumanText.Usd(1200m).ShouldBe("$1,200.00");
        HumanText.Usd(0.658333m).ShouldBe("$0.66");
        Format.Usd(1.5m, simulated: true).ShouldBe("$1.50 (simulated)");
    }

    [Fact]
    public void Size_Bytes_HumanUnits()
    {
        HumanText.Size(1_500_000).ShouldBe("1.4 MB");
        HumanText.Size(512).ShouldBe("512 B");
    }
}
