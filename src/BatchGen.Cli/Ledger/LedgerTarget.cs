using BatchGen.Core.Manifests;
using BatchGen.Ledger.Postgres;

namespace BatchGen.Cli.Ledger;

/// <summary>
/// The batch a reading command (status, report, export, review, votes) works on: a SQLite ledger file, or a batch in
/// a PostgreSQL database (named by a manifest's name, or given as the argument, plus <c>--batch</c>), with the
/// output directory its videos and reports are in (null until read from the batch's meta).
/// </summary>
internal sealed record LedgerTarget
{
    public string? SqlitePath { get; init; }

    public PostgresAddress? Postgres { get; init; }

    public PostgresBatch? Batch { get; init; }

    public string? OutputDirectory { get; init; }

    /// <summary>The manifest given as the argument (null when a ledger or a batch name was).</summary>
    public string? ManifestPath { get; init; }

    /// <summary>For messages: the file, or the server and batch (no password).</summary>
    public string Display => Postgres is { } address ? $"{address.Display} batch {Batch}" : SqlitePath!;

    /// <summary>
    /// With a PostgreSQL selection: the argument is a manifest (its name and output directory) or a batch name.
    /// Otherwise the SQLite rules of <see cref="LedgerLocator.Resolve"/>, with a SQLite <c>--ledger FILE</c> taking
    /// the located file's place. Returns a one-line error instead when the argument does not name a batch.
    /// </summary>
    public static (LedgerTarget? Target, string? Error) Resolve(string argument, string? outOverride, LedgerSelection selection)
    {
        if (selection.Problem() is { } problem)
        {
            return (null, problem);
        }

        if (!selection.IsPostgres)
        {
            if (selection.Address is { } file)
            {
                var output = outOverride ?? (File.Exists(argument) && !Directory.Exists(argument) && ManifestLoader.Load(argument, new ManifestLoadOptions()).Manifest is { } m ? m.OutputDirectory : Path.GetDirectoryName(Path.GetFullPath(file))!);
                return (new LedgerTarget { SqlitePath = Path.GetFullPath(file), OutputDirectory = Path.GetFullPath(output) }, null);
            }

            var (ledgerPath, outputDirectory, error) = LedgerLocator.Resolve(argument, outOverride);
            return error is not null ? (null, error) : (new LedgerTarget { SqlitePath = ledgerPath, OutputDirectory = outputDirectory }, null);
        }

        var address = LedgerStores.Parse(selection);
        if (File.Exists(argument))
        {
            var loaded = ManifestLoader.Load(argument, new ManifestLoadOptions());
            if (!loaded.Success || loaded.Manifest is null)
            {
                return (null, loaded.Errors.Count > 0 ? loaded.Errors[0].ToString() : $"{argument}: not a manifest (with a PostgreSQL --ledger, pass the manifest or the batch name)");
            }

            return (new LedgerTarget
            {
                Postgres = address,
                Batch = new PostgresBatch(loaded.Manifest.Name, selection.BatchId),
                OutputDirectory = Path.GetFullPath(outOverride ?? loaded.Manifest.OutputDirectory),
                ManifestPath = argument,
            }, null);
        }

        if (Directory.Exists(argument))
        {
            return (null, $"{argument}: is a directory; with a PostgreSQL --ledger, pass the manifest or the batch name");
        }

        return (new LedgerTarget
        {
            Postgres = address,
            Batch = new PostgresBatch(argument, selection.BatchId),
            OutputDirectory = outOverride is null ? null : Path.GetFullPath(outOverride),
        }, null);
    }
}
