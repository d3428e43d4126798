namespace BatchGen.Simulator;

/// <summary>Per API key state of one provider: its rate-limit bucket, its credit balance and its unfinished tasks.</summary>
internal sealed class KeyAccount
{
    private readonly Lock gate = new();
    private readonly TokenBucket? bucket;
    private readonly List<SimTask> active = [];
    private decimal? balance;
    private decimal charged;

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

    /// <summary>
    /// The balance a reply reports: the configured balance, or, when unlimited, a notional 1,000,000 credits minus
    /// what was charged, so reported balances still fall with each charge.
    /// </summary>
    public decimal ReportedBalance
    {
        get
        {
            lock (gate)
            {
                return Reported();
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
    public AdmitResult TryAdmit(DateTimeOffset now, int? maxConcurrent, decimal price) => TryAdmit(now, maxConcurrent, price, out _);

    /// <summary>As <see cref="TryAdmit(DateTimeOffset, int?, decimal)"/>, with the reported balance right after this charge.</summary>
    public AdmitResult TryAdmit(DateTimeOffset now, int? maxConcurrent, decimal price, out decimal balanceAfter)
    {
        lock (gate)
        {
            balanceAfter = Reported();
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

            charged += price;
            balanceAfter = Reported();
            return AdmitResult.Admitted;
        }
    }

    private decimal Reported() => balance ?? (1_000_000m - charged);

    /// <summary>A task admitted before a restart: its charge again, and its slot while it is unfinished.</summary>
    public void Replay(SimTask task)
    {
        lock (gate)
        {
            if (balance is not null)
            {
                balance -= task.Price;
            }

            charged += task.Price;
            active.Add(task);
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
