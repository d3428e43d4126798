using System.Text.Json;
using System.Text.Json.Serialization;
using BatchGen.Core.Costs.Periods;
using BatchGen.Core.Ledger;

namespace BatchGen.Cli.Run;

/// <summary>
/// The period caps a run counted against and the directory of the spend file it used, kept in the batch's ledger (meta
/// <c>period_caps</c>, JSON; empty when the run had no period cap), so <c>batchgen status</c> finds the same spend file
/// and still knows the caps when the manifest has moved.
/// </summary>
internal sealed record PeriodCapsMeta(
    [property: JsonPropertyName("max_cost_per_day")] decimal? PerDayUsd,
    [property: JsonPropertyName("max_cost_per_month")] decimal? PerMonthUsd,
    [property: JsonPropertyName("spend_dir")] string? SpendDirectory)
{
    public const string Key = "period_caps";

    public PeriodCaps Caps => new(PerDayUsd, PerMonthUsd);

    /// <summary>Records the run's caps (and spend file directory, null for a fleet worker), or clears them when it has none.</summary>
    public static Task WriteAsync(ILedger ledger, PeriodCaps caps, string? spendDirectory, CancellationToken cancellationToken) =>
        ledger.SetMetaAsync(Key, caps.IsEmpty ? string.Empty : JsonSerializer.Serialize(new PeriodCapsMeta(caps.PerDayUsd, caps.PerMonthUsd, spendDirectory)), cancellationToken);

    /// <summary>What the last run recorded; null when nothing (or something unreadable) is.</summary>
    public static async Task<PeriodCapsMeta?> ReadAsync(ILedger ledger, CancellationToken cancellationToken)
    {
        if (await ledger.GetMetaAsync(Key, cancellationToken).ConfigureAwait(false) is not { Length: > 0 } text)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<PeriodCapsMeta>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
