using BatchGen.Core.Ledger;
using FsCheck;
using FsCheck.Fluent;

namespace BatchGen.Tests.Ledger;

public sealed class LedgerValuesTests
{
    [Fact]
    public void Money_AnyDecimal_RoundTripsExactlyWithScale()
    {
        Prop.ForAll((Func<decimal, bool>)(value =>
        {
            var back = LedgerValues.ParseMoney(LedgerValues.Money(value));
            return back == value && back.Scale == value.Scale;
        })).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Time_AnyInstant_RoundTripsToTheTickAsUtc()
    {
        Prop.ForAll((Func<DateTimeOffset, bool>)(value =>
        {
            var text = LedgerValues.Time(value);
            return LedgerValues.ParseTime(text) == value && LedgerValues.ParseTime(text).Offset == TimeSpan.Zero && text.EndsWith('Z');
        })).QuickCheckThrowOnFailure();
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
