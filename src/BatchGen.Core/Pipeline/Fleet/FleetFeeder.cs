using BatchGen.Core.Ledger;

namespace BatchGen.Core.Pipeline.Fleet;

/// <summary>
/// expand -> admit for a worker of a fleet: instead of streaming the ledger, each provider's loop claims small batches
/// of jobs nobody holds (at most what its lane has room for) and routes each where it re-enters, like
/// <see cref="JobFeeder"/> does. It stops when nothing is left to claim and no other live worker holds unfinished
/// jobs of the provider (if one dies, its jobs come back here once its leases expire).
/// </summary>
internal sealed class FleetFeeder
{
    /// <summary>Jobs claimed in one transaction at most.</summary>
    public const int ClaimBatch = 8;

    /// <summary>Room for settlements waiting to be written to the shared budget.</summary>
    public const int SettlementQueue = 100_000;

    private readonly RunContext _context;
    private readonly FleetSession _session;
    private readonly IReadOnlyDictionary<string, ProviderLane> _lanes;
    private readonly JobFeeder _router;

    public FleetFeeder(RunContext context, FleetSession session, IReadOnlyDictionary<string, ProviderLane> lanes, JobFeeder router)
    {
        _context = context;
        _session = session;
        _lanes = lanes;
        _router = router;
    }

    /// <summary>How long an idle loop waits before looking again for expired leases (a third of a typical lease).</summary>
    public TimeSpan IdleWait { get; init; } = TimeSpan.FromSeconds(1);

    public Task RunAsync() => Task.WhenAll(_context.Providers.Keys.Select(FeedProviderAsync));

    private async Task FeedProviderAsync(string provider)
    {
        _lanes.TryGetValue(provider, out var lane);
        var settings = _context.Providers[provider];
        var window = Math.Max(ClaimBatch, settings.Concurrency * 2);
        var claimAmbiguous = _context.Options.ResubmitAmbiguous || settings.IdempotentSubmits;
        var released = _session.ReleasedSignal(provider);
        try
        {
            while (!_context.StopToken.IsCancellationRequested)
            {
                var room = Math.Min(ClaimBatch, window - _session.HeldCount(provider));
                IReadOnlyList<string> ids = [];
                if (room > 0)
                {
                    var submits = lane is null || (_session.CanSubmit && !_context.IsBudgetStopped(provider) && !_context.Halt.ShouldHalt(provider));
                    ids = await _session.Fleet.Claims.ClaimAsync(
                        new ClaimRequest(provider, room, Math.Max(1, settings.Concurrency), submits, claimAmbiguous), _context.StopToken).ConfigureAwait(false);
                }

                if (ids.Count == 0)
                {
                    if (room > 0 && _session.HeldCount(provider) == 0
                        && !await _session.Fleet.Claims.OthersHoldWorkAsync(provider, _context.StopToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    await released.WaitAsync(IdleWait, _context.StopToken).ConfigureAwait(false);
                    continue;
                }

                foreach (var id in ids)
                {
                    await TakeAsync(id, provider, lane).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_context.StopToken.IsCancellationRequested)
        {
            // Stop asked: claimed jobs stay where the ledger says; their leases are released at exit.
        }
        finally
        {
            lane?.Work.Writer.TryComplete();
        }
    }

    private async Task TakeAsync(string id, string provider, ProviderLane? lane)
    {
        _session.OnClaimed(id, provider);
        var job = await _context.Ledger.GetJobAsync(id, _context.StopToken).ConfigureAwait(false);
        if (job is null || !job.InManifest)
        {
            await _session.ReleaseAsync(id).ConfigureAwait(false);
            return;
        }

        if (job.State is JobState.Submitted or JobState.Running && !_context.ResumeReservations.ContainsKey(id))
        {
            // Taken over from a worker that died after this run started: its reservation in the shared budget is
            // settled from here (charged or released) when the task ends.
            var reservation = _context.Budget.ForceReserve(provider, Reports.CostRules.Estimate(job));
            _context.ResumeReservations[id] = reservation;
            _session.Adopt(id, reservation);
        }

        if (job.State is JobState.Pending or JobState.Blocked or JobState.Submitting && lane is not null)
        {
            // Queued in this worker's view only once claimed: the others' jobs are theirs to count.
            _context.Progress.For(provider).AddQueued(1);
        }

        var handedOn = await _router.RouteAsync(job, lane).ConfigureAwait(false);
        if (!handedOn)
        {
            await _session.ReleaseAsync(id).ConfigureAwait(false);
        }
    }
}
