using System.CommandLine;
using BatchGen.Cli.Ledger;
using BatchGen.Cli.Run;
using BatchGen.Core.Costs.Periods;
using BatchGen.Core.Ledger;
using BatchGen.Core.Pipeline.Fleet;
using BatchGen.Fleet.Postgres;
using BatchGen.Ledger.Postgres;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen ledger copy FROM TO [--name NAME] [--batch ID] [--force]</c>: moves a batch between a SQLite ledger and
/// a PostgreSQL database (either way), so a batch started on a laptop can be finished by a fleet.
/// </summary>
internal static class LedgerCommand
{
    public static Command Create()
    {
        var command = new Command("ledger", "Work on ledgers themselves: copy a batch between SQLite and PostgreSQL.");
        command.Subcommands.Add(CreateCopy());
        return command;
    }

    private static Command CreateCopy()
    {
        var from = new Argument<string>("from") { Description = "Source: a ledger.db file (or the directory holding it), or a postgres:// URL / Npgsql connection string." };
        var to = new Argument<string>("to") { Description = "Target, of the same kinds; a SQLite target file is created when missing." };
        var name = new Option<string?>("--name") { HelpName = "NAME", Description = "The batch's name in PostgreSQL (default: the name recorded in the SQLite side)." };
        var batch = new Option<string?>("--batch") { HelpName = "ID", Description = "The batch id beside the name in PostgreSQL." };
        var force = new Option<bool>("--force") { Description = "Replace what the target batch already holds (refused otherwise)." };
        var command = new Command("copy", "Copy one batch (jobs, events, meta, outputs, votes, ratings, video checks, uploads, webhook deliveries) between ledgers, then verify the counts.")
        {
            from, to, name, batch, force,
        };
        command.SetAction((parseResult, cancellationToken) => CopyAsync(
            new CopyRequest(parseResult.GetValue(from)!, parseResult.GetValue(to)!, parseResult.GetValue(name), parseResult.GetValue(batch), parseResult.GetValue(force)),
            cancellationToken));
        return command;
    }

    private static async Task<int> CopyAsync(CopyRequest request, CancellationToken cancellationToken)
    {
        if (request.Batch is not null && !PostgresAddress.IsPostgres(request.From) && !PostgresAddress.IsPostgres(request.To))
        {
            return await FailAsync("--batch names a batch inside PostgreSQL: one side must be a postgres:// URL or connection string", ExitCodes.InvalidInput);
        }

        ILedger? source = null;
        ILedgerImport? target = null;
        try
        {
            var batchName = request.Name;
            if (!PostgresAddress.IsPostgres(request.From))
            {
                source = await SqliteLedger.OpenReadOnlyAsync(SqlitePath(request.From), TimeProvider.System, cancellationToken);
                batchName ??= await source.GetMetaAsync("name", cancellationToken);
            }

            if (batchName is null && (PostgresAddress.IsPostgres(request.From) || PostgresAddress.IsPostgres(request.To)))
            {
                return await FailAsync("name the batch with --name (the SQLite ledger records none)", ExitCodes.InvalidInput);
            }

            source ??= await PostgresLedger.OpenReadOnlyAsync(Parse(request.From), new PostgresBatch(batchName!, request.Batch), TimeProvider.System, cancellationToken);
            target = PostgresAddress.IsPostgres(request.To)
                ? await PostgresLedger.OpenAsync(Parse(request.To), new PostgresBatch(batchName!, request.Batch), TimeProvider.System, cancellationToken)
                : await SqliteLedger.OpenAsync(SqlitePath(request.To, create: true), TimeProvider.System, cancellationToken);

            var before = await target.CountAsync(cancellationToken);
            if (!before.IsEmpty && !request.Force)
            {
                return await FailAsync($"{target.Location}: the target batch is not empty ({before}); pass --force to replace it", ExitCodes.InvalidInput);
            }

            var copied = await LedgerCopier.CopyAsync(source, target, request.Force, cancellationToken);
            await Console.Out.WriteLineAsync($"copied {copied} from {source.Location} to {target.Location} (counts verified)");
            if (source is SqliteLedger && target is PostgresLedger postgres)
            {
                await CarryPeriodSpendAsync(SqlitePath(request.From), request.To, postgres, cancellationToken);
            }

            return ExitCodes.Success;
        }
        catch (LedgerException ex)
        {
            return await FailAsync(ex.Message, ExitCodes.For(ex));
        }
        catch (FleetUnavailableException ex)
        {
            return await FailAsync(
                $"the batch was copied, but what it spent under its spend file could not be added to the fleet's period caps ({ex.Message}); a worker started on this machine first adds it, or rerun this copy with --force before any worker runs",
                ExitCodes.StorageError);
        }
        finally
        {
            if (target is not null)
            {
                await target.DisposeAsync();
            }

            if (source is not null)
            {
                await source.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A batch moved from SQLite to PostgreSQL brings what it spent per day under the spend file beside it (the
    /// directory holding the batch) into the fleet's period totals, once per spend file, before any worker holds.
    /// </summary>
    private static async Task CarryPeriodSpendAsync(string ledgerPath, string to, PostgresLedger target, CancellationToken cancellationToken)
    {
        var batchDirectory = Path.GetDirectoryName(Path.GetFullPath(ledgerPath))!;
        if (Path.GetDirectoryName(batchDirectory) is not { } batches)
        {
            return;
        }

        using var book = SpendBook.OpenExisting(batches);
        if (book is null)
        {
            return;
        }

        var local = LocalPeriodSpend.Read(book, batchDirectory);
        if (local.Days.Count == 0)
        {
            return;
        }

        var address = Parse(to);
        var added = await PostgresFleet.CarryCopiedPeriodSpendAsync(
            address.Builder.ConnectionString, target.BatchId, $"PostgreSQL at {address.HostPort}", local.BookId, local.Days, TimeProvider.System, cancellationToken);
        if (added.Count > 0)
        {
            await Console.Out.WriteLineAsync(local.Describe(added));
        }
    }

    private static PostgresAddress Parse(string text) => LedgerStores.Parse(new LedgerSelection(text, null));

    /// <summary>A ledger file, or the directory that holds (or will hold) its ledger.db.</summary>
    private static string SqlitePath(string text, bool create = false) =>
        Directory.Exists(text) || (create && text.EndsWith(Path.DirectorySeparatorChar))
            ? Path.Combine(text, "ledger.db")
            : text;

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Error.WriteLineAsync($"batchgen ledger copy: {message}");
        return exitCode;
    }

    private sealed record CopyRequest(string From, string To, string? Name, string? Batch, bool Force);
}
