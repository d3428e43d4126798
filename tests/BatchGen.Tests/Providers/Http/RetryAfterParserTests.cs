using System.Globalization;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Tests.Providers.Http;

public sealed class RetryAfterParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("7", 7)]
    [InlineData(" 120 ", 120)]
    [InlineData("1.5", 1.5)]
    [InlineData("Sat, 21 Nov 2026 08:00:30 GMT", 30)]
    [InlineData("Sat, 21 Nov 2026 07:59:00 GMT", 0)]
    public void ParseRetryAfter_ValidValue_ReturnsDelay(string value, double seconds)
    {
        RetryAfterParser.ParseRetryAfter(value, Now).ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void ParseRetryAfter_Invalid_ReturnsNull(string? value)
    {
        RetryAfterParser.ParseRetryAfter(value, Now).ShouldBeNull();
    }

    [Fact]
    public void ParseRetryAfter_Huge_IsCappedAtOneHour()
    {
        RetryAfterParser.ParseRetryAfter("999999", Now).ShouldBe(TimeSpan.FromHours(1));
    }

    [Fact]
    public void ParseResetAt_Iso8601_ReturnsDelayFromNow()
    {
        RetryAfterParser.ParseResetAt("2026-11-21T08:00:42Z", Now).ShouldBe(TimeSpan.FromSeconds(42));
    }

    [Fact]
    public void ParseResetAt_IsoWithoutZone_AssumesUtc()
    {
        RetryAfterParser.ParseResetAt("2026-11-21 08:01:00", Now).ShouldBe(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void ParseResetAt_EpochSeconds_ReturnsDelayFromNow()
    {
        var epoch = Now.AddSeconds(15).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        RetryAfterParser.ParseResetAt(epoch, Now).ShouldBe(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void ParseResetAt_EpochMilliseconds_ReturnsDelayFromNow()
    {
        var epoch = Now.AddSeconds(3).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

        RetryAfterParser.ParseResetAt(epoch, Now).ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void ParseResetAt_InThePast_IsZero()
    {
        RetryAfterParser.ParseResetAt("2026-11-21T07:00:00Z", Now).ShouldBe(TimeSpan.Zero);
    }
}
