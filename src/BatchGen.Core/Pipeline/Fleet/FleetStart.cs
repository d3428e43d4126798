using BatchGen.Core.Costs;

namespace BatchGen.Core.Pipeline.Fleet;

/// <summary>
/// How a run joins its fleet: the session, the shared budget seeded from the ledger (jobs in flight held on today's
/// period day when the period caps are shared), settlements bridged.
/// </summary>
internal static class FleetStart
{
    public static async Task<FleetSession> JoinAsync(IWorkerFleet fleet, BudgetResume resume, Costs.Periods.SharedPeriodCaps? period, CancellationToken cancellationToken)
    {
        var session = new FleetSession(fleet);
        var snapshot = resume.Gate.Snapshot();
        var spent = snapshot.Providers.ToDictionary(kv => kv.Key, kv => kv.Value.SpentUsd, StringComparer.Ordinal);
        var inFlight = resume.InFlight.ToDictionary(kv => kv.Key, kv => (kv.Value.Provider, kv.Value.HeldUsd), StringComparer.Ordinal);
        await fleet.Budget.SeedAsync(spent, inFlight, period?.Today(), cancellationToken).ConfigureAwait(false);
        foreach (var (jobId, reservation) in resume.InFlight)
        {
            session.Adopt(jobId, reservation);
        }

        var previous = resume.Gate.Settled;
        resume.Gate.Settled = (reservation, charged) =>
        {
            previous?.Invoke(reservation, charged);
            session.OnSettled(reservation, charged);
        };
        return session;
    }
}
