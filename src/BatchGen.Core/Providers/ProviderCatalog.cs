using BatchGen.Core.Costs;
using BatchGen.Core.Jobs;

namespace BatchGen.Core.Providers;

/// <summary>
/// Built-in defaults for the five providers: the real endpoints, the environment variables that hold the keys,
/// conservative limits and default prices. Prices and limits are assumptions drawn from public figures
/// (see README "Providers"); check them against your own account before trusting an estimate.
/// </summary>
public static class ProviderCatalog
{
    /// <summary>A fresh, mutable copy of the defaults, keyed by provider name.</summary>
    public static Dictionary<string, ProviderSettings> CreateDefaults() => new(StringComparer.Ordinal)
    {
        [ProviderNames.Magnific] = new ProviderSettings
        {
            Name = ProviderNames.Magnific,
            BaseUrl = new Uri("https://api.magnific.com"),
            ApiKeyEnv = "MAGNIFIC_API_KEY",
            // Public clients budget 50 requests/min per key; Freepik's platform limit is per IP and key.
            RateLimit = new RateLimitSpec(50, TimeSpan.FromMinutes(1)),
            Pricing = PixVerseCreditTable(),
            NominalLatency = TimeSpan.FromSeconds(60),
        },
        [ProviderNames.GmiCloud] = new ProviderSettings
        {
            Name = ProviderNames.GmiCloud,
            BaseUrl = new Uri("https://console.gmicloud.ai"),
            ApiKeyEnv = "GMICLOUD_API_KEY",
            Model = "pixverse-v5.5-i2v",
            Pricing = PixVerseCreditTable(),
            NominalLatency = TimeSpan.FromSeconds(60),
        },
        [ProviderNames.AimlApi] = new ProviderSettings
        {
            Name = ProviderNames.AimlApi,
            BaseUrl = new Uri("https://api.aimlapi.com"),
            ApiKeyEnv = "AIMLAPI_API_KEY",
            Model = "pixverse/v5-5-image-to-video",
            Pricing = PixVerseCreditTable(),
            NominalLatency = TimeSpan.FromSeconds(50),
            // The provider recommends polling every 15 s.
            PollInterval = TimeSpan.FromSeconds(15),
            MaxPollInterval = TimeSpan.FromSeconds(30),
        },
        [ProviderNames.Pixwith] = new ProviderSettings
        {
            Name = ProviderNames.Pixwith,
            BaseUrl = new Uri("https://api.pixwith.ai"),
            ApiKeyEnv = "PIXWITH_API_KEY",
            Model = "2-27",
            Pricing = PixVerseCreditTable(),
            NominalLatency = TimeSpan.FromSeconds(150),
        },
        [ProviderNames.Segmind] = new ProviderSettings
        {
            Name = ProviderNames.Segmind,
            BaseUrl = new Uri("https://api.segmind.com"),
            ApiKeyEnv = "SEGMIND_API_KEY",
            // Pro plan: 50 requests per minute.
            RateLimit = new RateLimitSpec(50, TimeSpan.FromMinutes(1)),
            Pricing = SegmindTable(),
            NominalLatency = TimeSpan.FromSeconds(65),
            PollInterval = TimeSpan.FromSeconds(5),
        },
    };

    /// <summary>Default resolution when a job leaves it unset, as each provider documents it (Magnific gives none: 720p).</summary>
    public static string DefaultResolution(string provider) => provider switch
    {
        ProviderNames.GmiCloud or ProviderNames.Segmind => "540p",
        _ => "720p",
    };

    /// <summary>
    /// PixVerse platform credits ($1 = 100 credits): V5 rows for 5 and 8 s; the V5.5 10 s row (99 credits at
    /// 360p/540p, 2.2x the 5 s price elsewhere); +10 credits for audio; multi-clip assumed +10 credits.
    /// </summary>
    private static PriceTable PixVerseCreditTable() => new()
    {
        Unit = PriceUnits.Credits,
        UsdPerCredit = 0.01m,
        Base = new Dictionary<string, Dictionary<int, decimal>>(StringComparer.Ordinal)
        {
            ["360p"] = new() { [5] = 45, [8] = 90, [10] = 99 },
            ["540p"] = new() { [5] = 45, [8] = 90, [10] = 99 },
            ["720p"] = new() { [5] = 60, [8] = 120, [10] = 132 },
            ["1080p"] = new() { [5] = 120, [8] = 240 },
        },
        AudioAddOn = 10,
        MultiClipAddOn = 10,
    };

    /// <summary>Segmind's published range, $0.375 to $1.00 per generation, spread over its V5 grid; 8 s costs double.</summary>
    private static PriceTable SegmindTable() => new()
    {
        Unit = PriceUnits.Usd,
        Base = new Dictionary<string, Dictionary<int, decimal>>(StringComparer.Ordinal)
        {
            ["360p"] = new() { [5] = 0.375m, [8] = 0.75m },
            ["540p"] = new() { [5] = 0.375m, [8] = 0.75m },
            ["720p"] = new() { [5] = 0.50m, [8] = 1.00m },
            ["1080p"] = new() { [5] = 1.00m },
        },
        AudioAddOn = 0.10m,
    };
}
