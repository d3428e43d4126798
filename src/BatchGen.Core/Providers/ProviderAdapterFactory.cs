using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.AimlApi;
using BatchGen.Core.Providers.GmiCloud;
using BatchGen.Core.Providers.Magnific;
using BatchGen.Core.Providers.Pixwith;
using BatchGen.Core.Providers.Segmind;

namespace BatchGen.Core.Providers;

/// <summary>Builds the adapter for a provider's settings.</summary>
public static class ProviderAdapterFactory
{
    /// <summary>
    /// Creates the adapter named by <see cref="ProviderSettings.Name"/>.
    /// </summary>
    /// <param name="settings">Validated settings; adapters build absolute URIs from <see cref="ProviderSettings.BaseUrl"/>.</param>
    /// <param name="http">A client owned by the caller (no BaseAddress needed); adapters never dispose it.</param>
    /// <param name="apiKey">The secret; it is sent in the provider's auth header and never appears in any message.</param>
    /// <param name="timeProvider">Clock for Retry-After dates and reset headers.</param>
    public static IProviderAdapter Create(ProviderSettings settings, HttpClient http, string apiKey, TimeProvider timeProvider) =>
        Create(settings, http, apiKey, timeProvider, webhookSecret: null);

    /// <summary>As above; <paramref name="webhookSecret"/> lets an adapter that receives callbacks verify them.</summary>
    public static IProviderAdapter Create(ProviderSettings settings, HttpClient http, string apiKey, TimeProvider timeProvider, string? webhookSecret)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(apiKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        settings = settings.Clone(); // later changes to the caller's settings have no effect
        return settings.Name switch
        {
            ProviderNames.Magnific => new MagnificAdapter(settings, http, apiKey, timeProvider, webhookSecret),
            ProviderNames.GmiCloud => new GmiCloudAdapter(settings, http, apiKey, timeProvider),
            ProviderNames.AimlApi => new AimlApiAdapter(settings, http, apiKey, timeProvider),
            ProviderNames.Pixwith => new PixwithAdapter(settings, http, apiKey, timeProvider),
            ProviderNames.Segmind => new SegmindAdapter(settings, http, apiKey, timeProvider),
            _ => throw new ArgumentException(
                $"Unknown provider '{settings.Name}'; expected one of {string.Join(", ", ProviderNames.All)}.", nameof(settings)),
        };
    }
}
