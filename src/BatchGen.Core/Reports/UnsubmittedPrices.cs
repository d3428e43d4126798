using BatchGen.Core.Ledger;
using BatchGen.Core.Providers;

namespace BatchGen.Core.Reports;

/// <summary>Prices for jobs the ledger holds no estimate for (never submitted), from the batch's provider settings.</summary>
public static class UnsubmittedPrices
{
    /// <summary>A <see cref="ReportInput.PriceOf"/> over the given providers' price tables (the manifest's, else the built-in ones).</summary>
    public static Func<LedgerJob, decimal?> From(IReadOnlyDictionary<string, ProviderSettings> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        return job => providers.TryGetValue(job.Provider, out var settings) ? settings.Pricing.EstimateUsd(job.Spec.Parameters) : null;
    }
}
