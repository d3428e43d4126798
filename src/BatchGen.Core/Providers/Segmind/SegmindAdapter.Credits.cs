using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.Segmind;

/// <summary>Segmind's balance endpoint, <c>GET {base}/v1/get-user-credits</c> -> <c>{"credits", "free-credits"}</c>.</summary>
internal sealed partial class SegmindAdapter : ICreditBalanceSource
{
    /// <summary>
    /// The <c>credits</c> figure; null on any error, and when free credits are left, since which of the two a charge
    /// draws from (and so what <c>x-remaining-credits</c> counts) is not documented.
    /// </summary>
    public async Task<decimal?> ReadCreditBalanceAsync(CancellationToken cancellationToken)
    {
        var reply = await GetAsync("v1/get-user-credits", "credit balance", cancellationToken);
        if (reply.Error is not null || reply.Root.Number("credits") is not { } credits)
        {
            return null;
        }

        return reply.Root.Number("free-credits") is { } free && free != 0 ? null : credits;
    }
}
