using System.Collections.Concurrent;
using System.Globalization;

namespace BatchGen.Core.Costs.Periods;

/// <summary>
/// The period caps of one batch, kept in a <see cref="SpendBook"/>. Days and months are those of
/// <paramref name="timeZone"/> at the time of each hold and charge, read from <paramref name="now"/>.
/// </summary>
public sealed class PeriodBudget(SpendBook book, string batch, PeriodCaps caps, TimeZoneInfo timeZone, Func<DateTimeOffset> now) : IPeriodBudget
{
    private readonly ConcurrentDictionary<BudgetReservation, string> _held = new();

    public string? TryReserve(BudgetReservation reservation)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var day = Today();
        var refusal = book.TryHold(batch, day, reservation.EstimatedUsd, caps);
        if (refusal is null)
        {
            _held[reservation] = day;
        }

        return refusal;
    }

    public void Settle(BudgetReservation reservation, decimal? chargedUsd)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var heldDay = _held.TryRemove(reservation, out var d) ? d : null;
        if (heldDay is null && chargedUsd is null)
        {
            return;
        }

        book.Settle(batch, heldDay, reservation.EstimatedUsd, Today(), chargedUsd);
    }

    private string Today() => TimeZoneInfo.ConvertTime(now(), timeZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
