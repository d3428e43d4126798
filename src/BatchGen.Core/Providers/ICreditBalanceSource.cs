namespace BatchGen.Core.Providers;

/// <summary>
/// A provider that tells the key's credit balance on request (Segmind <c>GET /v1/get-user-credits</c>): read before a
/// run's first submit, it is the balance the first charge is measured from.
/// </summary>
public interface ICreditBalanceSource
{
    /// <summary>The balance in the same unit as the replies' reported balance, or null when unknown or unclear.</summary>
    Task<decimal?> ReadCreditBalanceAsync(CancellationToken cancellationToken);
}
