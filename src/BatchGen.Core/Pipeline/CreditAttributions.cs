using BatchGen.Core.Costs;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;
using Microsoft.Extensions.Logging;

namespace BatchGen.Core.Pipeline;

/// <summary>
/// Writes the actual costs a run could attribute from reported balances (<see cref="CreditTracker"/>) once every
/// stage has drained: one event per job that keeps its current state and adds the actual cost beside the estimate.
/// </summary>
internal static class CreditAttributions
{
    public const string Note = "actual cost from x-remaining-credits delta";

    public static async Task WriteAsync(RunContext context)
    {
        foreach (var (provider, tracker) in context.CreditTrackers.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (tracker.ChargeCount == 0 || !context.Providers.TryGetValue(provider, out var settings))
            {
                continue;
            }

            var written = 0;
            var attributions = tracker.Attribute(credits => ToUsd(settings, credits));
            foreach (var attribution in attributions)
            {
                if (attribution.ActualCostUsd is not { } actual)
                {
                    if (context.Logger.IsEnabled(LogLevel.Debug))
                    {
                        context.Logger.LogDebug("{Provider}: job {JobId}: no actual cost: {Reason}", provider, attribution.JobId, attribution.Reason);
                    }

                    continue;
                }

                var job = await context.Ledger.GetJobAsync(attribution.JobId, CancellationToken.None).ConfigureAwait(false);
                if (job is null || job.ActualCostUsd is not null)
                {
                    continue;
                }

                await context.RecordAsync(new LedgerEvent
                {
                    JobId = job.Id,
                    State = job.State,
                    ActualCostUsd = actual,
                    Note = Note,
                }).ConfigureAwait(false);
                written++;
            }

            if (context.Logger.IsEnabled(LogLevel.Information))
            {
                context.Logger.LogInformation("{Provider}: actual cost of {Written} of {Charged} jobs from balance deltas", provider, written, attributions.Count);
            }
        }
    }

    /// <summary>Credits to USD: <c>reported_credit_usd</c> when set, else the price table's unit and rate.</summary>
    internal static decimal ToUsd(ProviderSettings settings, decimal credits) =>
        settings.ReportedCreditUsd is { } rate ? credits * rate : settings.Pricing.ToUsd(credits);
}
