namespace BatchGen.Core.Costs.Periods;

/// <summary>
/// The period caps of a fleet worker (a run on a PostgreSQL ledger): checked and held in the fleet's database with
/// each job's shared reservation, so every worker and every batch of that database counts, instead of in the spend
/// file of one machine. Days are those of <paramref name="timeZone"/> when each hold is taken, read from
/// <paramref name="now"/>, as <see cref="PeriodBudget"/> reads them.
/// </summary>
public sealed class SharedPeriodCaps(PeriodCaps caps, TimeZoneInfo timeZone, Func<DateTimeOffset> now)
{
    public PeriodCaps Caps { get; } = caps ?? throw new ArgumentNullException(nameof(caps));

    /// <summary>Today in the manifest's time zone.</summary>
    public DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now(), timeZone).DateTime);

    /// <summary>What a reservation taken now asks of the shared period caps.</summary>
    public SharedPeriodHold HoldNow() => new(Caps, Today());
}

/// <summary>A hold asked against the period caps on <paramref name="Day"/> (its month is the month's cap).</summary>
public sealed record SharedPeriodHold(PeriodCaps Caps, DateOnly Day);
