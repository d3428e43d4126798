using BatchGen.Core.Providers;
using BatchGen.Core.Webhooks;

namespace BatchGen.Cli.Webhooks;

/// <summary>
/// Decides which providers get a callback URL in a run with a <c>webhook:</c> section: those that send callbacks and
/// whose signing secret is known (from its environment variable, or the embedded simulator's). A provider without a
/// secret is polled as usual, with a warning: deliveries it cannot verify would all be refused.
/// </summary>
internal static class WebhookSetup
{
    /// <summary>The secrets by provider; one warning per provider left to polling.</summary>
    public static Dictionary<string, string> ReadSecrets(IReadOnlyDictionary<string, ProviderSettings> providers, string? simulatorSecret, List<string> warnings)
    {
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in WebhookSettings.Providers.Where(providers.ContainsKey).Order(StringComparer.Ordinal))
        {
            if (simulatorSecret is not null && name == Core.Jobs.ProviderNames.Magnific)
            {
                secrets[name] = simulatorSecret;
                continue;
            }

            var variable = providers[name].WebhookSecretVariable;
            var reading = ApiKeys.FromEnvironment(variable);
            if (reading.Key is { } secret)
            {
                secrets[name] = secret;
            }
            else
            {
                warnings.Add($"webhook: {name}: {variable} is not set (or not usable), so its deliveries cannot be verified; its jobs are polled as usual");
            }
        }

        return secrets;
    }

    /// <summary>
    /// Sets the callback URL of every provider with a secret: <c>{base}/{provider}</c>, unless its own
    /// <c>webhook_url</c> is set. The base is <c>public_url</c>, else the receiver's own address.
    /// </summary>
    public static void SetCallbacks(IReadOnlyDictionary<string, ProviderSettings> providers, IEnumerable<string> withSecret, Uri callbackBase)
    {
        foreach (var name in withSecret)
        {
            providers[name].WebhookUrl ??= WebhookSettings.CallbackUrl(callbackBase, name);
        }
    }
}
