using System.Net;

namespace BatchGen.Core.Webhooks;

/// <summary>
/// The <c>webhook:</c> section (providers file, then manifest): where the receiver listens and the public address
/// providers call. Set = providers that support callbacks get <c>{public_url}/{provider}</c> with every submit, and
/// polling drops to a slow safety net.
/// </summary>
public sealed class WebhookSettings
{
    /// <summary>
    /// Providers that send status callbacks (their adapter implements <see cref="IWebhookSource"/>): they get a callback
    /// URL when webhooks are on. Add a provider here when its adapter learns to check deliveries.
    /// </summary>
    public static readonly IReadOnlySet<string> Providers = new HashSet<string>(StringComparer.Ordinal) { Jobs.ProviderNames.Magnific };

    /// <summary>Default <c>listen</c> value.</summary>
    public const string DefaultListen = "127.0.0.1:8787";

    /// <summary>Address and port the receiver binds (<c>host:port</c>; port 0 = any free port).</summary>
    public IPEndPoint Listen { get; set; } = IPEndPoint.Parse(DefaultListen);

    /// <summary>
    /// The address providers reach the receiver at (a tunnel or reverse proxy in front of <see cref="Listen"/>). Null =
    /// the receiver's own address, <c>http://{listen}/hooks</c> (only reachable from this machine).
    /// </summary>
    public Uri? PublicUrl { get; set; }

    public WebhookSettings Clone() => new() { Listen = new IPEndPoint(Listen.Address, Listen.Port), PublicUrl = PublicUrl };

    /// <summary>The callback URL of one provider: the base (public URL or the bound address) + <c>/{provider}</c>.</summary>
    public static Uri CallbackUrl(Uri baseUrl, string provider)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var text = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri($"{text}/{Uri.EscapeDataString(provider)}{baseUrl.Query}");
    }
}
