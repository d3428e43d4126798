using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The ledger's single writer. Appends from any number of tasks queue in a bounded channel; one loop takes
/// everything queued (up to <see cref="MaxBatch"/>), writes it in one transaction (group commit) and completes each
/// caller after the commit, so an awaited append is durable. Other writes (job sync, meta) take the same gate.
/// While appends arrive faster than it commits (the previous commit held several), the loop waits a little for more
/// before it commits (<see cref="CommitDelay"/>, in the manner of PostgreSQL's <c>commit_delay</c>/<c>commit_siblings</c>):
/// one fsync of the WAL and one of the mark then serve more events. When they arrive fast enough to fill the next
/// commit within <see cref="BusyCommitDelay"/>, it waits up to that long instead.
/// </summary>
internal sealed class LedgerWriter : IAsyncDisposable
{
    public const int MaxBatch = 512;

    private const int QueueCapacity = 4096;

    /// <summary>
    /// The longest the loop waits for more appends before a commit: one tick of the runtime's timers (a shorter wait
    /// is no wait). A busy machine may wake the loop later; the wait ends sooner when as many appends are queued as
    /// the previous commit held.
    /// </summary>
    public static readonly TimeSpan DefaultCommitDelay = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// The longest wait while appends pour in (see <see cref="WaitLimit"/>). At 1,000 requests per second with no
    /// latency (10,000 jobs, 40,000 events) this took commits from 6,700-7,000 to 3,500-3,700 and the client's CPU per
    /// job down by about a twentieth; a job waits at most this much more per event, and only while thousands of events
    /// arrive per second.
    /// </summary>
    public static readonly TimeSpan DefaultBusyCommitDelay = TimeSpan.FromMilliseconds(6);

    private readonly SqliteConnection _connection;
    private readonly string _path;
    private readonly TimeProvider _timeProvider;
    private readonly LedgerGuard? _guard;
    private readonly LedgerAppendCommands _commands;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<PendingAppend> _queue = Channel.CreateBounded<PendingAppend>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly Task _loop;
    private long _commits;
    private long _events;
    private SqliteException? _broken;

    /// <summary>Events the previous commit held (the loop's own; 0 before the first).</summary>
    private int _previousBatch;

    /// <summary>When the loop last took a batch (<see cref="Stopwatch"/> ticks; 0 before the first).</summary>
    private long _previousDrainAt;

    /// <summary>Ticks between the loop's last two batches: how long the previous batch took to gather (0 before the second).</summary>
    private long _previousGathering;

    /// <summary>Set while the loop waits for more appends; the append that fills its batch releases it.</summary>
    private CommitWait? _wait;

    private int _closing;

    public LedgerWriter(SqliteConnection connection, string path, TimeProvider timeProvider, LedgerGuard? guard = null)
    {
        _connection = connection;
        _path = path;
        _timeProvider = timeProvider;
        _guard = guard;
        _commands = new LedgerAppendCommands(connection);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>True after SQLite abandoned a transaction (a full disk): no write can succeed on this connection.</summary>
    public bool IsBroken => Volatile.Read(ref _broken) is not null;

    /// <summary>Transactions committed by the append loop (for tests and diagnostics).</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    /// <summary>Events written by those transactions (events / commits is the mean group-commit size).</summary>
    internal long Events => Interlocked.Read(ref _events);

    /// <summary>
    /// How long the loop may wait for more appends before committing (<see cref="DefaultCommitDelay"/>;
    /// <see cref="TimeSpan.Zero"/>: never). The wait is on the real clock, not the run's <see cref="TimeProvider"/>:
    /// it waits for other threads' work, which a virtual clock does not move (tests set it).
    /// </summary>
    internal TimeSpan CommitDelay { get; set; } = DefaultCommitDelay;

    /// <summary>The wait allowed instead of <see cref="CommitDelay"/> while appends pour in (<see cref="DefaultBusyCommitDelay"/>; tests set it).</summary>
    internal TimeSpan BusyCommitDelay { get; set; } = DefaultBusyCommitDelay;

    /// <summary>Appends queued and not yet taken by the loop (for tests).</summary>
    internal int Queued => _queue.Reader.Count;

    /// <summary>True while the loop waits for more appends before a commit (for tests).</summary>
    internal bool Waiting => Volatile.Read(ref _wait) is not null;

    /// <summary>
    /// Queues the event and waits for its commit. Cancellation is honoured until the batch holding the event starts:
    /// an <see cref="OperationCanceledException"/> means the event was not written; a completed task means it is durable.
    /// </summary>
    public async Task AppendAsync(LedgerEvent ledgerEvent, CancellationToken cancellationToken)
    {
        var pending = new PendingAppend(ledgerEvent, cancellationToken);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException($"ledger {_path} is closed", ex);
        }

        // The loop may be waiting for this append (see WaitForMoreAsync): the channel's lock orders this read after
        // the write above, and the loop reads the count after publishing its wait, so one of the two sees the other.
        if (Volatile.Read(ref _wait) is { } wait && _queue.Reader.Count >= wait.Target)
        {
            wait.Release();
        }

        await pending.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> on the writer connection with no append in between.</summary>
    public async Task<T> ExclusiveAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _guard?.BeforeCommit(_connection);
            var result = work(_connection);
            _guard?.AfterCommit(_connection, lastSubmit: null);
            return result;
        }
        catch (SqliteException ex)
        {
            throw LedgerErrors.From(_path, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _closing, 1);
        Volatile.Read(ref _wait)?.Release();
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _commands.Dispose();
        _gate.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingAppend>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Let the work already queued on the thread pool run first: what it appends joins this commit (one fsync of
            // the WAL and of the mark for more events), for the cost of one pass through the queue.
            await Task.Yield();
            await WaitForMoreAsync().ConfigureAwait(false);
            batch.Clear();
            Drain(batch);
            _previousBatch = batch.Count;
            var now = Stopwatch.GetTimestamp();
            _previousGathering = _previousDrainAt == 0 ? 0 : now - _previousDrainAt;
            _previousDrainAt = now;

            if (batch.Count == 0)
            {
                continue;
            }

            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                WriteBatch(batch);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>
    /// The commit delay. Only while appends arrive fast (the previous commit held two or more: its callers' next
    /// appends are coming) and fewer are queued than it held: waits until as many are queued, or
    /// <see cref="WaitLimit"/> has passed, whichever comes first. A lone caller awaiting each append never waits;
    /// no append waits for its own timer (one per commit at most).
    /// </summary>
    private async Task WaitForMoreAsync()
    {
        var target = Math.Min(_previousBatch, MaxBatch);
        var delay = WaitLimit(CommitDelay, BusyCommitDelay, _previousGathering == 0 ? null : Stopwatch.GetElapsedTime(0, _previousGathering));
        if (target < 2 || delay <= TimeSpan.Zero || _queue.Reader.Count >= target)
        {
            return;
        }

        var wait = new CommitWait(target);
        Interlocked.Exchange(ref _wait, wait);
        if (_queue.Reader.Count < target && Volatile.Read(ref _closing) == 0)
        {
            // Released early by the append that fills the batch (or by dispose); the timer's expiry is no error.
            await wait.Task.WaitAsync(delay, TimeProvider.System).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Interlocked.Exchange(ref _wait, null);
    }

    /// <summary>
    /// How long the next commit may wait for as many appends as the previous one held. The previous batch gathered in
    /// <paramref name="previousGathering"/> (from the batch before it to its own start, commit included): at that rate
    /// the next one is expected as soon. Within <paramref name="busyDelay"/>, waiting that long costs the appends little
    /// and spares one commit in several (PostgreSQL waits only when <c>commit_siblings</c> transactions are active, for
    /// the same reason); otherwise <paramref name="commitDelay"/>. <see cref="TimeSpan.Zero"/> as the commit delay: no wait.
    /// </summary>
    internal static TimeSpan WaitLimit(TimeSpan commitDelay, TimeSpan busyDelay, TimeSpan? previousGathering) =>
        commitDelay > TimeSpan.Zero && previousGathering is { } gathering && gathering <= busyDelay && busyDelay > commitDelay
            ? busyDelay
            : commitDelay;

    private void Drain(List<PendingAppend> batch)
    {
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
        {
            if (item.CancellationToken.IsCancellationRequested)
            {
                item.Completion.TrySetCanceled(item.CancellationToken);
            }
            else
            {
                batch.Add(item);
            }
        }
    }

    private void WriteBatch(List<PendingAppend> batch)
    {
        Exception? failure;
        try
        {
            Commit(batch);
            failure = null;
        }
        catch (Exception ex)
        {
            // Whatever failed, the loop must live on and every caller must hear about it.
            failure = ex;
        }

        if (failure is null)
        {
            Complete(batch);
            return;
        }

        if (failure is LedgerException ledgerFailure)
        {
            // The guard stopped the ledger (lock or WAL lost): the same answer for every caller, nothing retried.
            foreach (var item in batch)
            {
                item.Completion.TrySetException(ledgerFailure);
            }

            return;
        }

        if (batch.Count == 1)
        {
            batch[0].Completion.TrySetException(failure is SqliteException sqlite
                ? LedgerErrors.From(_path, sqlite)
                : LedgerException.Create(_path, $"could not record an event for job {batch[0].Event.JobId}: {failure.Message}", "report this as a bug", failure));
            return;
        }

        // One bad event must not fail its neighbours: write each alone.
        foreach (var item in batch)
        {
            WriteBatch([item]);
        }
    }

    private void Commit(List<PendingAppend> batch)
    {
        if (_broken is not null)
        {
            // The connection is stuck in a transaction SQLite already abandoned: every later write fails the same way.
            throw _broken;
        }

        _guard?.BeforeCommit(_connection);
        var transaction = _connection.BeginTransaction();
        long last = 0;
        var holdsSubmit = false;
        try
        {
            foreach (var item in batch)
            {
                var seq = _commands.Execute(item.Event, _timeProvider.GetUtcNow());
                item.Unknown = seq is null;
                last = Math.Max(last, seq ?? 0);
                holdsSubmit |= seq is not null && item.Event.State is JobState.Submitting or JobState.Submitted;
            }

            transaction.Commit();
        }
        catch (SqliteException original)
        {
            try
            {
                transaction.Dispose();
            }
            catch (SqliteException)
            {
                // SQLite rolled the transaction back itself (a full disk, an I/O error): report that cause, not the
                // failed rollback, now and for every write after it.
                _broken = original;
            }

            throw;
        }

        transaction.Dispose();
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _events, batch.Count);
        // The mark moves to the commit's last event (as MAX(seq) would read it: one writer, sequences only grow).
        _guard?.AfterCommit(_connection, holdsSubmit ? last : null);
    }

    private void Complete(List<PendingAppend> batch)
    {
        foreach (var item in batch)
        {
            if (item.Unknown)
            {
                item.Completion.TrySetException(LedgerException.Create(
                    _path, $"job {item.Event.JobId} is not in the ledger", "sync the manifest's jobs before recording events for them"));
            }
            else
            {
                item.Completion.TrySetResult();
            }
        }
    }

    /// <summary>One wait of the loop for <see cref="Target"/> queued appends.</summary>
    private sealed class CommitWait(int target)
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Target { get; } = target;

        public Task Task => _released.Task;

        public void Release() => _released.TrySetResult();
    }

    private sealed class PendingAppend(LedgerEvent ledgerEvent, CancellationToken cancellationToken)
    {
        public LedgerEvent Event { get; } = ledgerEvent;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Unknown { get; set; }
    }
}
