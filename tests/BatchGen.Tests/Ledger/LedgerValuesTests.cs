using BatchGen.Core.Ledger;
using FsCheck.Xunit;

namespace BatchGen.Tests.Ledger;

public sealed class LedgerValuesTests
{
    [Property]
    public bool Money_AnyDecimal_RoundTripsExactlyWithScale(decimal value)
    {
        var back = LedgerValues.ParseMoney(LedgerValues.Money(value));
        return back == value && back.Scale == value.Scale;
    }

    [Property]
    public bool Time_AnyInstant_RoundTripsToTheTickAsUtc(DateTimeOffset value)
    {
        var text = LedgerValues.Time(value);
        return LedgerValues.ParseTime(text) == value && LedgerValues.ParseTime(text).Offset == TimeSpan.Zero && text.EndsWith('Z');
    }

    [Fact]
    public void Time_IsSortableText()
    {
        var earlier = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));

        LedgerValues.Time(earlier).ShouldBe("2026-01-02T01:04:05.0000000Z");
        string.CompareOrdinal(LedgerValues.Time(earlier), LedgerValues.Time(earlier.AddTicks(1))).ShouldBeLessThan(0);
    }

    [Theory]
    [InlineData(JobState.Pending, "pending")]
    [InlineData(JobState.Succeeded, "succeeded")]
    [InlineData(JobState.Blocked, "blocked")]
    public void State_StoredAsLowercaseName(JobState state, string text)
    {
        LedgerValues.State(state).ShouldBe(text);
        LedgerValues.ParseState(text).ShouldBe(state);
    }
}
