namespace BatchGen.Core.Providers.Http;

/// <summary>
/// Whether an attempt's HTTP request started to leave. The resilient client begins a tracking before calling an
/// adapter; the transport marks it just before handing the request to the network. An exception raised while the
/// mark is unset (building the body or the headers) certainly sent nothing, so it never makes a submit ambiguous.
/// </summary>
internal sealed class SendTracking
{
    private static readonly AsyncLocal<SendTracking?> Current = new();

    public bool RequestStarted { get; private set; }

    /// <summary>A new tracking for the calls made from here on (in this async flow).</summary>
    public static SendTracking Begin()
    {
        var tracking = new SendTracking();
        Current.Value = tracking;
        return tracking;
    }

    /// <summary>Called by the transport right before the request is sent.</summary>
    public static void MarkStarted()
    {
        if (Current.Value is { } tracking)
        {
            tracking.RequestStarted = true;
        }
    }
}
