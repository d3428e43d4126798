using BatchGen.Core.Ledger;
using BatchGen.Core.Manifests;

namespace BatchGen.Cli;

/// <summary>Finds the ledger a command works on from its argument: a ledger file, or a manifest (its output directory).</summary>
internal static class LedgerLocator
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>Returns the ledger path and the output directory, or a one-line error.</summary>
    public static (string? LedgerPath, string? OutputDirectory, string? Error) Resolve(string argument, string? outOverride)
    {
        if (Directory.Exists(argument))
        {
            var inside = Path.Combine(argument, "ledger.db");
            return File.Exists(inside)
                ? (Path.GetFullPath(inside), Path.GetFullPath(argument), null)
                : (null, null, $"{argument}: is a directory with no ledger.db in it");
        }

        if (!File.Exists(argument))
        {
            return (null, null, $"{argument}: no such file");
        }

        if (IsSqlite(argument) || IsLedgerName(argument))
        {
            var full = Path.GetFullPath(argument);
            return (full, outOverride is null ? Path.GetDirectoryName(full)! : Path.GetFullPath(outOverride), null);
        }

        if (IsBinary(argument))
        {
            return (null, null, $"{argument}: not a ledger (no SQLite header) and not a manifest (binary content)");
        }

        var loaded = ManifestLoader.Load(argument, new ManifestLoadOptions());
        if (!loaded.Success || loaded.Manifest is null)
        {
            var first = loaded.Errors.Count > 0 ? loaded.Errors[0].ToString() : $"{argument}: not a manifest";
            return (null, null, loaded.Errors.Count > 1 ? $"{first} (and {loaded.Errors.Count - 1} more; run 'batchgen validate')" : first);
        }

        var output = Path.GetFullPath(outOverride ?? loaded.Manifest.OutputDirectory);
        var ledger = Path.Combine(output, "ledger.db");
        return File.Exists(ledger)
            ? (ledger, output, null)
            : (null, null, $"{ledger}: no ledger yet (run 'batchgen run {argument}' first)");
    }

    /// <summary>Resolves the argument and reads every job of its ledger; or a one-line error.</summary>
    public static Task<(LoadedLedger? Ledger, string? Error, int ExitCode)> LoadAsync(string argument, CancellationToken cancellationToken) =>
        LoadAsync(argument, Ledger.LedgerSelection.From(null, null), cancellationToken);

    /// <summary>As <see cref="LoadAsync(string, CancellationToken)"/>, in the ledger <paramref name="selection"/> names (--ledger, BATCHGEN_LEDGER).</summary>
    /// <paramref name="readJobs"/> false: everything but the jobs (a caller that streams them from <see cref="LoadedLedger.Target"/>).
    public static async Task<(LoadedLedger? Ledger, string? Error, int ExitCode)> LoadAsync(string argument, Ledger.LedgerSelection selection, CancellationToken cancellationToken, bool readJobs = true)
    {
        var (target, error) = Ledger.LedgerTarget.Resolve(argument, null, selection);
        if (error is not null)
        {
            return (null, error, ExitCodes.InvalidInput);
        }

        try
        {
            var ledger = await Ledger.LedgerStores.OpenReadOnlyAsync(target!, cancellationToken).ConfigureAwait(false);
            await using (ledger.ConfigureAwait(false))
            {
                var jobs = new List<LedgerJob>();
                await foreach (var job in readJobs ? ledger.ReadJobsAsync(cancellationToken) : AsyncEnumerable.Empty<LedgerJob>())
                {
                    jobs.Add(job);
                }

                foreach (var notice in ledger.Notices)
                {
                    await Console.Error.WriteLineAsync($"batchgen: warning: {notice}").ConfigureAwait(false);
                }

                var simulated = await ledger.GetMetaAsync("simulated", cancellationToken).ConfigureAwait(false) == "true";
                var manifestPath = target!.ManifestPath ?? (IsSqlite(argument) || Directory.Exists(argument) || target.Postgres is not null
                    ? await ledger.GetMetaAsync("manifest", cancellationToken).ConfigureAwait(false)
                    : argument);
                var outputDirectory = target.OutputDirectory ?? await ledger.GetMetaAsync("output_dir", cancellationToken).ConfigureAwait(false);
                if (outputDirectory is null)
                {
                    return (null, $"{target.Display}: the batch's output directory is not recorded: pass the manifest instead of the batch name", ExitCodes.InvalidInput);
                }

                var reviews = await ledger.ReadReviewsAsync(cancellationToken).ConfigureAwait(false);
                var store = BatchGen.Core.Storage.OutputStoreMeta.FromJson(await ledger.GetMetaAsync(BatchGen.Core.Storage.OutputStoreMeta.Key, cancellationToken).ConfigureAwait(false));
                return (new LoadedLedger(target.Display, outputDirectory, jobs) { Simulated = simulated, Providers = ProvidersOf(manifestPath), Reviews = reviews, Target = target with { OutputDirectory = outputDirectory }, OutputStore = store }, null, ExitCodes.Success);
            }
        }
        catch (LedgerException ex)
        {
            return (null, ex.Message, ExitCodes.For(ex));
        }
    }

    /// <summary>Reads every job of a ledger (read-only, beside a live run if there is one).</summary>
    public static async Task<IReadOnlyList<LedgerJob>> ReadAllJobsAsync(Ledger.LedgerTarget target, CancellationToken cancellationToken)
    {
        var ledger = await Ledger.LedgerStores.OpenReadOnlyAsync(target, cancellationToken).ConfigureAwait(false);
        await using (ledger.ConfigureAwait(false))
        {
            var jobs = new List<LedgerJob>();
            await foreach (var job in ledger.ReadJobsAsync(cancellationToken).ConfigureAwait(false))
            {
                jobs.Add(job);
            }

            return jobs;
        }
    }

    /// <summary>A file named like a ledger is one, or is reported as a damaged one (never parsed as a manifest).</summary>
    private static bool IsLedgerName(string path) =>
        Path.GetExtension(path).Equals(".db", StringComparison.OrdinalIgnoreCase);

    /// <summary>NUL bytes or invalid UTF-8 in the first 8 KB: no manifest looks like that.</summary>
    private static bool IsBinary(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[8192];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            var span = buffer.AsSpan(0, read);
            if (span.Contains((byte)0))
            {
                return true;
            }

            // A cut multi-byte character at the end of the sample is not evidence.
            var decoder = new System.Text.UTF8Encoding(false, true);
            try
            {
                decoder.GetCharCount(span[..Math.Max(0, read - 4)]);
                return false;
            }
            catch (System.Text.DecoderFallbackException)
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The batch's provider settings (prices for jobs never submitted): its manifest's when it still loads, else the built-in ones.</summary>
    private static IReadOnlyDictionary<string, BatchGen.Core.Providers.ProviderSettings> ProvidersOf(string? manifestPath)
    {
        if (manifestPath is not null && File.Exists(manifestPath) && ManifestLoader.Load(manifestPath, new ManifestLoadOptions()).Manifest is { } manifest)
        {
            return manifest.Providers;
        }

        return BatchGen.Core.Providers.ProviderCatalog.CreateDefaults();
    }

    private static bool IsSqlite(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> header = stackalloc byte[16];
            return stream.Read(header) == 16 && header.SequenceEqual(SqliteHeader);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>A batch's ledger read for a report or an export.</summary>
internal sealed record LoadedLedger(string LedgerPath, string OutputDirectory, IReadOnlyList<LedgerJob> Jobs)
{
    /// <summary>The ledger says its jobs ran against the simulator (meta <c>simulated</c>).</summary>
    public bool Simulated { get; init; }

    /// <summary>Provider settings for pricing jobs never submitted (the manifest's, else the built-in defaults).</summary>
    public IReadOnlyDictionary<string, BatchGen.Core.Providers.ProviderSettings> Providers { get; init; } = new Dictionary<string, BatchGen.Core.Providers.ProviderSettings>();

    public BatchGen.Core.Reviews.ReviewData Reviews { get; init; } = BatchGen.Core.Reviews.ReviewData.Empty;

    /// <summary>Where the ledger was read from (to open it again, e.g. for votes).</summary>
    public Ledger.LedgerTarget Target { get; init; } = new();

    /// <summary>The output store the run uploaded to (meta <c>output_store</c>), or null.</summary>
    public BatchGen.Core.Storage.OutputStoreOptions? OutputStore { get; init; }
}
