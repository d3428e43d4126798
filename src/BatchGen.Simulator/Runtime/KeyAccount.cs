namespace BatchGen.Simulator;

/// <summary>Per API key state of one provider: its rate-limit bucket, its credit balance and its unfinished tasks.</summary>
internal sealed class KeyAccount
{
    private readonly Lock gate = new();
    private readonly TokenBucket? bucket;
    private readonly List<SimTask> active = [];
    private decimal? balance;

    public KeyAccount(ProviderScenario scenario, DateTimeOffset now)
    {
        bucket = scenario.RateLimit is null ? null : new TokenBucket(scenario.RateLimit, now);
        balance = scenario.Credits.Balance;
    }

    /// <summary>Remaining credits; null = unlimited.</summary>
    public decimal? Balance
    {
        get
        {
            lock (gate)
            {
                return balance;
            }
        }
    }

    /// <summary>Tokens left in the bucket; null = no rate limit.</summary>
    public int? RateRemaining
    {
        get
        {
            lock (gate)
            {
                return bucket?.Remaining;
            }
        }
    }

    public bool TryTakeToken(DateTimeOffset now, out TimeSpan retryAfter)
    {
        lock (gate)
        {
            if (bucket is null)
            {
                retryAfter = TimeSpan.Zero;
                return true;
            }

            return bucket.TryTake(now, out retryAfter);
        }
    }

    /// <summary>Reserves a concurrency slot and the price of a task, or says which limit stops it.</summary>
    public AdmitResult TryAdmit(DateTimeOffset now, int? maxConcurrent, decimal price)
    {
        lock (gate)
        {
            active.RemoveAll(t => !t.IsActiveAt(now));
            if (maxConcurrent is { } max && active.Count >= max)
            {
                return AdmitResult.Concurrency;
            }

            if (balance is { } b && b < price)
            {
                return AdmitResult.Credits;
            }

            if (balance is not null)
            {
                balance -= price;
            }

            return AdmitResult.Admitted;
        }
    }

    /// <summary>Counts an admitted task against the concurrency limit until it finishes.</summary>
    public void Track(SimTask task)
    {
        lock (gate)
        {
            active.Add(task);
        }
    }
}

internal enum AdmitResult
{
    Admitted,
    Concurrency,
    Credits,
}
