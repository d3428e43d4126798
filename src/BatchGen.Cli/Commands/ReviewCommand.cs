using System.CommandLine;
using System.Diagnostics;
using BatchGen.Cli.Review;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;
using BatchGen.Core.Reviews;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen review &lt;manifest | ledger&gt; [--port N] [--no-open]</c>: the local review app (grid, blind pairwise
/// votes, ratings, rankings) on 127.0.0.1, until Ctrl+C. Prints the address to open, access token included.
/// </summary>
internal static class ReviewCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("manifest-or-ledger") { Description = "The batch's manifest, its ledger.db, or its output directory." };
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (default: a free one).", HelpName = "N", DefaultValueFactory = _ => 0 };
        var noOpen = new Option<bool>("--no-open") { Description = "Do not open a browser; only print the address." };
        var command = new Command("review", "Review a batch in the browser: grid, blind pairwise votes, ratings and rankings, saved to the ledger.")
        {
            target, port, noOpen,
        };
        var ledger = Ledger.LedgerOptionSet.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(target)!, ledger.Read(parseResult), parseResult.GetValue(port), parseResult.GetValue(noOpen), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string targetPath, Ledger.LedgerSelection selection, int port, bool noOpen, CancellationToken cancellationToken)
    {
        if (port is < 0 or > 65535)
        {
            return await FailAsync($"--port must be 0..65535, got {port}", ExitCodes.InvalidInput);
        }

        // Reads the batch once: checks it is there and finds its output directory (a PostgreSQL batch records it).
        var (loaded, error, errorExitCode) = await LedgerLocator.LoadAsync(targetPath, selection, cancellationToken);
        if (loaded is null)
        {
            return await FailAsync(error!, errorExitCode);
        }

        var ledgerPath = loaded.LedgerPath;
        var outputDirectory = loaded.OutputDirectory;
        IReviewStore store;
        try
        {
            store = await Ledger.LedgerStores.OpenReviewStoreAsync(loaded.Target, cancellationToken);
        }
        catch (LedgerException ex)
        {
            return await FailAsync(ex.Message, ExitCodes.StorageError);
        }

        using (store)
        {
            var name = ReportInput.NameFor(targetPath, Path.GetFullPath(targetPath) == ledgerPath ? ReportTargetKind.Ledger : ReportTargetKind.Manifest);
            ReviewServer server;
            try
            {
                server = await ReviewServer.StartAsync(new ReviewBatch(name, loaded.Target, outputDirectory, store), port, cancellationToken);
            }
            catch (ReviewException ex)
            {
                return await FailAsync(ex.Message, ExitCodes.InvalidInput);
            }

            await using (server)
            {
                using var checking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var checks = StartChecks(server.Batch, checking.Token);
                await Console.Out.WriteLineAsync(server.PageUri.ToString());
                await Console.Out.FlushAsync(cancellationToken);
                await Console.Error.WriteLineAsync("batchgen review: open the address above; votes and ratings are saved to the ledger as you cast them. Ctrl+C stops.");
                if (!noOpen)
                {
                    TryOpenBrowser(server.PageUri);
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    await Console.Error.WriteLineAsync("batchgen review: stopped");
                }

                await checking.CancelAsync();
                await checks;
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>Starts the automatic video checks in the background, or says once why they are skipped.</summary>
    private static Task StartChecks(ReviewBatch batch, CancellationToken cancellationToken)
    {
        if (VideoChecks.FindFfmpeg() is not { } ffmpeg)
        {
            return Console.Error.WriteLineAsync("batchgen review: ffmpeg not found: automatic video checks (black, frozen, cuts, motion) skipped; install ffmpeg to run them");
        }

        return Task.Run(
            async () =>
            {
                try
                {
                    await new VideoCheckRunner(batch, ffmpeg).RunAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Stopped with the app; unchecked videos are checked next time.
                }
                catch (Exception ex) when (ex is LedgerException or IOException or System.ComponentModel.Win32Exception)
                {
                    await Console.Error.WriteLineAsync($"batchgen review: video checks stopped: {ex.Message.ReplaceLineEndings(" ")}");
                }
            },
            CancellationToken.None);
    }

    /// <summary>Opens the address with $BROWSER or xdg-open where a desktop is there; silently does nothing otherwise.</summary>
    private static void TryOpenBrowser(Uri address)
    {
        var browser = Environment.GetEnvironmentVariable("BROWSER");
        var hasDesktop = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        var opener = !string.IsNullOrEmpty(browser) ? browser : hasDesktop && File.Exists("/usr/bin/xdg-open") ? "/usr/bin/xdg-open" : null;
        if (opener is null)
        {
            return;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, address.ToString()) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No browser after all: the printed address is enough.
        }
    }

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Error.WriteLineAsync($"batchgen review: {message}");
        return exitCode;
    }
}
