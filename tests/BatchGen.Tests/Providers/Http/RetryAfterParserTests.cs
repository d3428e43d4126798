using System.Globalization;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Tests.Providers.Http;

public sealed class RetryAfterParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("7", 7)]
    [InlineData(" 120 ", 120)]
    [InlineData("0", 0)]
    [InlineData("Sat, 21 Nov 2026 08:00:30 GMT", 30)]
    [InlineData("Sat, 21 Nov 2026 07:59:00 GMT", 0)]
    public void FromRetryAfter_DeltaOrDate_ReturnsDelay(string value, double seconds)
    {
        RetryAfterParser.FromRetryAfter(Parsed(value), Now).ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("2147483647")]
    [InlineData("Fri, 31 Dec 9999 23:59:59 GMT")]
    public void FromRetryAfter_Huge_IsClampedToTheMaximum(string value)
    {
        RetryAfterParser.FromRetryAfter(Parsed(value), Now).ShouldBe(RetryAfterParser.MaxDelay);
        RetryAfterParser.MaxDelay.ShouldBe(TimeSpan.FromMinutes(10));
    }

    [Theory]
    [InlineData("1764316800000")] // epoch milliseconds sent as a delay: once an overflow that stopped the run (exit 70)
    [InlineData("99999999999999999999999999")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("Sat, 99 Nov 2026 08:00:30 GMT")]
    public void FromRetryAfter_NegativeOverflowingOrGarbage_IsNoHint(string value)
    {
        RetryAfterParser.FromRetryAfter(Parsed(value), Now).ShouldBeNull();
    }

    [Fact]
    public void FromRetryAfter_DateUsesTheGivenClockNotTheMachines()
    {
        var value = Parsed("Sat, 21 Nov 2026 08:05:00 GMT");

        RetryAfterParser.FromRetryAfter(value, Now).ShouldBe(TimeSpan.FromMinutes(5));
        RetryAfterParser.FromRetryAfter(value, Now.AddMinutes(4)).ShouldBe(TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData("99999999999999999999999999999999999")]
    [InlineData("179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000")]
    public void ParseResetAt_HugeNumber_IsClampedNeverOverflows(string value)
    {
        RetryAfterParser.ParseResetAt(value, Now).ShouldBe(RetryAfterParser.MaxDelay);
    }

    [Fact]
    public void ParseResetAt_Garbage_IsNull()
    {
        RetryAfterParser.ParseResetAt("tomorrow-ish", Now).ShouldBeNull();
    }

    /// <summary>The header exactly as the transport reads it: through <see cref="System.Net.Http.Headers.HttpResponseHeaders.RetryAfter"/>.</summary>
    private static System.Net.Http.Headers.RetryConditionHeaderValue? Parsed(string value)
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("Retry-After", value);
        return response.Headers.RetryAfter;
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
