using System.CommandLine;
using BatchGen.Ledger.Postgres;

namespace BatchGen.Cli.Ledger;

/// <summary>
/// What <c>--ledger</c> (else the <c>BATCHGEN_LEDGER</c> environment variable) and <c>--batch</c> chose: a PostgreSQL
/// database (a <c>postgres://</c> URL or an Npgsql connection string), a SQLite file, or (neither) the SQLite file
/// <c>ledger.db</c> in the batch's output directory, as before.
/// </summary>
internal sealed record LedgerSelection(string? Address, string? BatchId)
{
    public const string EnvironmentVariable = "BATCHGEN_LEDGER";

    public static LedgerSelection Default { get; } = new(null, null);

    public bool IsPostgres => PostgresAddress.IsPostgres(Address);

    /// <summary>The option's value, else the environment's (empty counts as unset).</summary>
    public static LedgerSelection From(string? option, string? batchId) =>
        new(option is { Length: > 0 } ? option : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env : null, batchId is { Length: > 0 } ? batchId : null);

    /// <summary>A one-line problem with the selection (exit 2), or null. Never echoes the address (it may hold a password).</summary>
    public string? Problem()
    {
        if (BatchId is not null && !IsPostgres)
        {
            return "--batch names a batch inside a PostgreSQL ledger: use it with --ledger postgres://... (or BATCHGEN_LEDGER)";
        }

        if (IsPostgres)
        {
            try
            {
                PostgresAddress.Parse(Address!);
            }
            catch (ArgumentException ex)
            {
                return $"--ledger: {ex.Message}";
            }
        }

        return null;
    }
}

/// <summary>The <c>--ledger</c> and <c>--batch</c> options every command that reads or writes a batch takes.</summary>
internal sealed class LedgerOptionSet
{
    private readonly Option<string?> _ledger = new("--ledger")
    {
        HelpName = "URL",
        Description = "Where the batch's ledger lives: a postgres:// URL or an Npgsql connection string (PostgreSQL), or a SQLite file; default: ledger.db in the output directory. Also BATCHGEN_LEDGER.",
    };

    private readonly Option<string?> _batch = new("--batch")
    {
        HelpName = "ID",
        Description = "With a PostgreSQL ledger: the batch id beside the manifest's name (many batches of one manifest in one database).",
    };

    public static LedgerOptionSet AddTo(Command command)
    {
        var set = new LedgerOptionSet();
        command.Add(set._ledger);
        command.Add(set._batch);
        return set;
    }

    public LedgerSelection Read(ParseResult parseResult) => LedgerSelection.From(parseResult.GetValue(_ledger), parseResult.GetValue(_batch));
}
