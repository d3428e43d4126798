using System.Globalization;
using BatchGen.Cli.Ledger;
using BatchGen.Cli.Logging;
using BatchGen.Cli.Notify;
using BatchGen.Cli.Rendering;
using BatchGen.Core.Downloads;
using BatchGen.Core.Ledger;
using BatchGen.Core.Manifests;
using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;
using BatchGen.Core.Reports;
using BatchGen.Core.Storage;
using BatchGen.Simulator;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace BatchGen.Cli.Run;

/// <summary>
/// The composition root of <c>run</c> and <c>retry</c>: loads the manifest, opens the ledger, builds the
/// adapters (against the real endpoints, or the embedded simulator), runs the engine, writes the reports and
/// turns the outcome into an exit code.
/// </summary>
internal sealed class RunHandler
{
    /// <summary>Beside the ledger: the embedded simulator's memory across runs.</summary>
    public const string SimulatorStateDirectory = ".simulator";

    /// <summary>From this many jobs the manifest's load garbage is collected before the run starts.</summary>
    private const long LargeManifestJobs = 10_000;

    private readonly IAnsiConsole _console;
    private readonly TextWriter _stderr;
    private readonly TimeProvider _time;
    private readonly LogSink _log;

    public RunHandler(IAnsiConsole console, TextWriter stderr, TimeProvider timeProvider, LogSink log)
    {
        _console = console;
        _stderr = stderr;
        _time = timeProvider;
        _log = log;
    }

    /// <summary>The handler of the <c>run</c> and <c>retry</c> commands: stdout console, stderr through the log sink.</summary>
    public static RunHandler Create(RunInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var time = TimeProvider.System;
        var sink = new LogSink(Console.Error, invocation.Log, time, RunIds.Create(time));
        // With --json, people's output (live view, closing lines) goes to stderr so stdout holds only the JSON.
        var console = invocation.JsonOutput is null ? ConsoleFactory.CreateStdout() : ConsoleFactory.CreateStderr();
        return new RunHandler(console, new SinkTextWriter(sink, "message"), time, sink);
    }

    /// <summary>Runs, then (whatever the outcome, a crash included) sends the notifications; they never change the exit code.</summary>
    public async Task<int> RunAsync(RunInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var notice = new RunNotice
        {
            RunId = _log.RunId,
            ManifestPath = Path.GetFullPath(invocation.ManifestPath),
            StartedAt = _time.GetUtcNow(),
            Simulated = invocation.Simulate,
        };
        var urls = new List<string>(invocation.Notify);
        try
        {
            notice.ExitCode = await RunCoreAsync(invocation, notice, urls, cancellationToken).ConfigureAwait(false);
            return notice.ExitCode;
        }
        catch (Exception ex)
        {
            (notice.ExitCode, notice.Error) = RunNoticeErrors.Of(ex);
            throw;
        }
        finally
        {
            notice.Error ??= notice.ExitCode is ExitCodes.Success or ExitCodes.JobsFailed ? null : _log.LastError;
            if (urls.Count > 0)
            {
                using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                var body = NoticeJson.Build(notice, _time.GetUtcNow(), RunNoticeErrors.Secrets());
                // After Ctrl+C the process exits within 5 s: the notification gets what is left of that.
                var budget = notice.ExitCode == ExitCodes.Cancelled ? TimeSpan.FromSeconds(1.5) : Notifier.DefaultBudget;
                await new Notifier(http, _log, _time).SendAsync(urls, body, budget).ConfigureAwait(false);
            }
        }
    }

    private async Task<int> RunCoreAsync(RunInvocation invocation, RunNotice notice, List<string> urls, CancellationToken cancellationToken)
    {
        if (!BatchClock.TryRead(_time, out var clock, out var clockError))
        {
            await _stderr.WriteLineAsync($"batchgen: {clockError}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        var step = _time.GetTimestamp();
        var loaded = Load(invocation, clock.Now());
        Step("manifest load", step);
        if (!invocation.Simulate)
        {
            // The image pre-flight's remote half, before anything is spent (simulated providers fetch no remote URL).
            loaded = await Commands.ManifestOptions.CheckRemoteImagesAsync(loaded, strict: false, cancellationToken).ConfigureAwait(false);
        }
        if (!await ReportLoadAsync(loaded).ConfigureAwait(false))
        {
            return ExitCodes.InvalidInput;
        }

        var manifest = loaded.Manifest!;
        if (manifest.JobCount >= LargeManifestJobs)
        {
            // Once, before anything runs: the load's garbage (the CSV's text, its rows parsed one at a time for the checks)
            // is returned now, not left under the ledger sync's own allocations (peak RSS).
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        DeepVideoCheck? deep = null;
        if (invocation.Verify == "deep" || (invocation.Verify is null && manifest.DeepVerify))
        {
            deep = DeepVideoCheck.FromPath();
            if (deep is null)
            {
                await _stderr.WriteLineAsync($"batchgen: {(invocation.Verify == "deep" ? "--verify deep" : $"{manifest.Path}: verify: deep")} needs ffmpeg on PATH (install it, e.g. 'apt-get install ffmpeg'), or use --verify standard").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            await _stderr.WriteLineAsync($"verify: deep (every video is decoded with {deep.FfmpegPath})").ConfigureAwait(false);
        }

        urls.AddRange(manifest.Notify);
        using var batches = new BatchSelection(manifest, invocation, _log);
        var outputDirectory = batches.ChooseDirectory();
        notice.BatchName = manifest.Name;
        notice.OutputDirectory = outputDirectory;
        var providers = manifest.Providers.ToDictionary(kv => kv.Key, kv => kv.Value.Clone(), StringComparer.Ordinal);

        if (manifest.OutputDirectoryProblem(outputDirectory) is { } outputProblem)
        {
            await _stderr.WriteLineAsync($"batchgen: {outputProblem}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        if (invocation.MaxCostUsd is < 0m)
        {
            await _stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"batchgen: --max-cost must be zero or more, got {invocation.MaxCostUsd}")).ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        _log.Write(LogLevel.Information, "run_started", $"run {_log.RunId}: {manifest.Name} ({manifest.JobCount} jobs) into {outputDirectory}");
        if (invocation.Ledger.Problem() is { } ledgerProblem)
        {
            await _stderr.WriteLineAsync($"batchgen: {ledgerProblem}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        ILedger ledger;
        step = _time.GetTimestamp();
        try
        {
            ledger = await LedgerStores.OpenForRunAsync(
                invocation.Ledger,
                manifest.Name,
                outputDirectory,
                _time,
                new LedgerOpenOptions { AcceptRollback = invocation.AcceptLedgerRollback },
                cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerException ex)
        {
            await _stderr.WriteLineAsync($"batchgen: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.For(ex);
        }

        notice.LedgerLocation = ledger.Location;
        Step("ledger open", step);
        foreach (var ledgerNotice in ledger.Notices)
        {
            await _stderr.WriteLineAsync($"batchgen: {ledgerNotice}").ConfigureAwait(false);
        }

        SimulatorHost? simulator = null;
        try
        {
            // Started once the ledger is ours (its lock also guards the simulator's state beside it).
            if (invocation.Simulate)
            {
                try
                {
                    simulator = await StartSimulatorAsync(invocation, outputDirectory, cancellationToken).ConfigureAwait(false);
                }
                catch (SimulatorConfigException ex)
                {
                    await _stderr.WriteLineAsync($"batchgen: simulator: {ex.Message}").ConfigureAwait(false);
                    return ExitCodes.InvalidInput;
                }
            }

            var keys = simulator is null ? ReadKeys(providers) : SimulatorKeys(simulator, providers, invocation.TimeScale);
            foreach (var warning in keys.Values.Select(k => k.Warning).OfType<string>())
            {
                await _stderr.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
            }

            // Job ids are the resume keys: a ledger written with another id format would see every job as new.
            var idFormat = JobIdentity.FormatVersion.ToString(CultureInfo.InvariantCulture);
            if (await ledger.GetMetaAsync("job_id_format", cancellationToken).ConfigureAwait(false) is { } recorded && recorded != idFormat)
            {
                await _stderr.WriteLineAsync($"batchgen: {ledger.Location}: written with job id format {recorded}, this version uses {idFormat}; resuming would submit every job again. Use a new --out directory, or the batchgen version that wrote it.").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            if (await RunOutput.CheckSimulatedAsync(ledger, invocation.Simulate, _stderr, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            await ledger.SetMetaAsync("job_id_format", idFormat, cancellationToken).ConfigureAwait(false);
            // {date}, {time}, {datetime} stay those of the night the batch started, however late it is resumed.
            if (await BatchSelection.RecordedTimeAsync(ledger, cancellationToken).ConfigureAwait(false) is { } startedAt && startedAt != manifest.Time.Local && manifest.UsesBatchTime)
            {
                var reloaded = Load(invocation with { TimeZone = await ledger.GetMetaAsync("time_zone", cancellationToken).ConfigureAwait(false) }, startedAt.ToUniversalTime());
                if (!await ReportLoadAsync(reloaded).ConfigureAwait(false))
                {
                    return ExitCodes.InvalidInput;
                }

                manifest = reloaded.Manifest!;
            }

            await BatchSelection.RecordTimeAsync(ledger, manifest.Time, cancellationToken).ConfigureAwait(false);
            var period = batches.Register(outputDirectory, manifest.Time, clock);
            // A fleet worker counts the period caps in PostgreSQL; a simulated run, in its own spend file even on PostgreSQL.
            var periodInFleet = ledger is global::BatchGen.Ledger.Postgres.PostgresLedger && !invocation.Simulate;
            await PeriodCapsMeta.WriteAsync(ledger, manifest.PeriodCaps, periodInFleet ? null : batches.BatchesDirectory, cancellationToken).ConfigureAwait(false);
            notice.MaxCostPerDayUsd = manifest.PeriodCaps.PerDayUsd;
            notice.MaxCostPerMonthUsd = manifest.PeriodCaps.PerMonthUsd;
            await ledger.SetMetaAsync("manifest", manifest.Path, cancellationToken).ConfigureAwait(false);
            await ledger.SetMetaAsync("name", manifest.Name, cancellationToken).ConfigureAwait(false);
            await ledger.SetMetaAsync("output_dir", Path.GetFullPath(outputDirectory), cancellationToken).ConfigureAwait(false);
            await ledger.SetMetaAsync("axes", string.Join(",", manifest.Axes), cancellationToken).ConfigureAwait(false);
            if (manifest.OutputStore is { } outputStore)
            {
                await ledger.SetMetaAsync(OutputStoreMeta.Key, OutputStoreMeta.ToJson(outputStore), cancellationToken).ConfigureAwait(false);
            }
            RunSummary summary;
            RunFacts facts;
            try
            {
                var localSpend = periodInFleet ? batches.LocalSpend(outputDirectory) : null;
                summary = await ExecuteAsync(invocation, manifest, providers, keys, ledger, outputDirectory, (period, localSpend), clock, notice, deep, simulator, cancellationToken).ConfigureAwait(false);
                notice.Summary = summary;
                step = _time.GetTimestamp();
                facts = await RunFacts.ReadAsync(ledger, CancellationToken.None).ConfigureAwait(false);
                Step("closing facts", step);
                notice.FailuresByReason = facts.FailuresByReason;
                batches.Finish(outputDirectory, summary, notice, periodInFleet);
            }
            catch (LedgerException ex)
            {
                await _stderr.WriteLineAsync(ex.Message.Contains("every state change recorded before is kept", StringComparison.Ordinal)
                    ? $"batchgen: {ex.Message}"
                    : $"batchgen: {ex.Message}; every state change recorded before it is kept: rerun to resume").ConfigureAwait(false);
                return ExitCodes.For(ex);
            }
            catch (Core.Pipeline.Fleet.FleetUnavailableException ex)
            {
                await _stderr.WriteLineAsync($"batchgen: {ledger.Location}: {ex.Message}: this worker stopped submitting; every state change recorded before it is kept: rerun to resume").ConfigureAwait(false);
                return ExitCodes.StorageError;
            }
            catch (OutputStoreUnusableException ex)
            {
                await _stderr.WriteLineAsync($"batchgen: {manifest.Path}: output.store: {ex.Message} (nothing was submitted: rerun when the store answers)").ConfigureAwait(false);
                return ExitCodes.StorageError;
            }
            catch (Webhooks.WebhookReceiverException ex)
            {
                await _stderr.WriteLineAsync($"batchgen: {manifest.Path}: {ex.Message} (nothing was submitted)").ConfigureAwait(false);
                return ExitCodes.InvalidInput;
            }

            var output = new RunOutput(_console, _stderr, manifest, outputDirectory, invocation.Simulate) { LedgerLocation = ledger.Location };
            if (invocation.WriteReports && summary.StopReason != RunStopReason.Cancelled)
            {
                try
                {
                    step = _time.GetTimestamp();
                    await output.WriteReportsAsync(ledger, facts).ConfigureAwait(false);
                    Step("reports", step);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await _stderr.WriteLineAsync($"batchgen: the reports could not be written ({ex.Message.ReplaceLineEndings(" ")}); the ledger is complete: 'batchgen report' rebuilds them").ConfigureAwait(false);
                }
            }

            var exitCode = ExitCodeOf(summary);
            await output.PrintSummaryAsync(summary, facts.Flagged).ConfigureAwait(false);
            if (summary.StoragePending > 0)
            {
                await _stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"batchgen: {summary.StoragePending} job(s) not uploaded to the output store: {summary.StorageProblem ?? "the store failed"}; their local files are kept: rerun to upload them")).ConfigureAwait(false);
            }
            await PrintVideoWarningsAsync(facts).ConfigureAwait(false);
            if (invocation.JsonOutput is { } json)
            {
                await output.WriteJsonAsync(json, summary, facts.Flagged, exitCode).ConfigureAwait(false);
            }

            return exitCode;
        }
        finally
        {
            if (simulator is not null)
            {
                await simulator.DisposeAsync().ConfigureAwait(false);
            }

            var closing = _time.GetTimestamp();
            await CloseAsync(ledger).ConfigureAwait(false);
            Step("ledger close", closing);
        }
    }

    /// <summary>A debug line timing one step of the run (<c>--log-level debug</c>).</summary>
    private void Step(string name, long started) =>
        _log.Write(LogLevel.Debug, "run_step", string.Create(CultureInfo.InvariantCulture, $"run step: {name} took {_time.GetElapsedTime(started).TotalMilliseconds:0} ms"));

    /// <summary>Closes the ledger; a failure here (a full disk at the last checkpoint) is one line, not a second error.</summary>
    private async Task CloseAsync(ILedger ledger)
    {
        try
        {
            await ledger.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LedgerException or Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            await _stderr.WriteLineAsync($"batchgen: closing {ledger.Location}: {ex.Message.ReplaceLineEndings(" ")} (every recorded state change is kept)").ConfigureAwait(false);
        }
    }

    private async Task<RunSummary> ExecuteAsync(
        RunInvocation invocation,
        Manifest manifest,
        Dictionary<string, ProviderSettings> providers,
        Dictionary<string, ApiKeyReading> keys,
        ILedger ledger,
        string outputDirectory,
        (Core.Costs.Periods.IPeriodBudget? Budget, LocalPeriodSpend? LocalSpend) period,
        BatchClock clock,
        RunNotice notice,
        DeepVideoCheck? deep,
        SimulatorHost? simulator,
        CancellationToken cancellationToken)
    {
        using var apiHttp = CreateHttpClient();
        using var downloadHttp = CreateHttpClient();
        using var loggerFactory = LoggerFactory.Create(b => b
            .AddProvider(new SinkLoggerProvider(_log))
            .SetMinimumLevel(_log.Settings.MinLevel));
        // Started before the adapters: a listen address of port 0 is known only once bound, and the callback URL names it.
        var webhooks = manifest.Webhook is { } webhook ? await StartWebhooksAsync(webhook, providers, ledger, simulator, loggerFactory, cancellationToken).ConfigureAwait(false) : null;
        await using var receiver = webhooks?.Receiver;
        var adapters = new Dictionary<string, IProviderAdapter>(StringComparer.Ordinal);
        var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, settings) in providers)
        {
            var reading = keys.GetValueOrDefault(name) ?? ApiKeys.Check(settings.ApiKeyEnv, null);
            if (reading.Key is { } key)
            {
                var adapter = ProviderAdapterFactory.Create(settings, apiHttp, key, _time, webhooks?.Secrets.GetValueOrDefault(name));
                adapters[name] = adapter;
                if (webhooks is not null && webhooks.Secrets.ContainsKey(name) && adapter is Core.Webhooks.IWebhookSource source)
                {
                    webhooks.Inbox.Register(source);
                }
            }
            else
            {
                // Checked before any request is built: a key that cannot form a header blocks its provider (exit 4).
                unavailable[name] = $"{name}: {reading.Problem}";
            }
        }

        // On PostgreSQL this run is one worker of the batch's fleet (null on SQLite: this process alone).
        await using var fleet = await FleetMembership.JoinAsync(invocation.Ledger, ledger, providers, keys, _time, cancellationToken).ConfigureAwait(false);
        if (fleet is not null && period.LocalSpend is { } localSpend)
        {
            // What this batch spent here on SQLite before it moved counts against the fleet's caps, before any hold.
            await FleetMembership.CarryPeriodSpendAsync(fleet, localSpend, _log, cancellationToken).ConfigureAwait(false);
        }

        // Local images for the providers that take only URLs go to the image store (Pixwith uploads its own).
        using var imageStore = manifest.ImageStore is { } storeSettings ? new Core.Storage.S3ObjectStore(storeSettings, _time) : null;
        var uploaders = new Dictionary<string, Core.Images.IImageUploader>(StringComparer.Ordinal);
        if (imageStore is not null)
        {
            var storeUploader = new Core.Images.StoreImageUploader(imageStore);
            foreach (var name in providers.Keys.Where(n => n != Core.Jobs.ProviderNames.Pixwith))
            {
                uploaders[name] = storeUploader;
            }
        }

        var progress = new RunProgress();
        using var store = manifest.OutputStore is { } outputStore ? new S3ObjectStore(outputStore.Store, _time) : null;
        if (store is not null)
        {
            await CheckOutputStoreAsync(store, cancellationToken).ConfigureAwait(false);
        }

        var engine = new RunEngine(_time, loggerFactory.CreateLogger<RunEngine>());
        // A fleet worker holds the period caps in PostgreSQL (every machine, every batch there); alone, or simulated (its
        // money never counts against the fleet's real caps), in its spend file.
        var periodInFleet = fleet is not null && !invocation.Simulate;
        var sharedPeriod = !periodInFleet || manifest.PeriodCaps.IsEmpty ? null : new Core.Costs.Periods.SharedPeriodCaps(manifest.PeriodCaps, manifest.Time.Zone, clock.Now);
        var request = new RunRequest
        {
            Jobs = manifest.JobsThenRelease(),
            JobsForKey = manifest.Jobs(),
            Providers = providers,
            Adapters = adapters,
            ImageUploaders = uploaders,
            Unavailable = unavailable,
            Ledger = ledger,
            Downloader = new VideoDownloader(downloadHttp, _time),
            Options = new RunOptions
            {
                OutputDirectory = outputDirectory,
                MaxCostUsd = invocation.MaxCostUsd ?? manifest.MaxCost,
                ResubmitAmbiguous = invocation.ResubmitAmbiguous,
                RetryFailed = invocation.RetryFailed,
                DeepVerify = deep,
                RetryBaseDelay = invocation.Simulate ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
                MapResultUrl = simulator is null ? null : SimulatorUrls(simulator.BaseAddress),
                Halt = invocation.Halt,
                PeriodBudget = periodInFleet ? null : period.Budget,
                SharedPeriodCaps = sharedPeriod,
            },
            Progress = progress,
            Fleet = fleet,
            Webhooks = webhooks?.Inbox,
            Uploader = store is null ? null : new OutputUploader(store, manifest.OutputStore!, outputDirectory, _time),
        };

        using var renderStop = new CancellationTokenSource();
        // With --json the console is stderr's, so the live view never mixes with the JSON on stdout.
        var redirected = invocation.JsonOutput is null ? Console.IsOutputRedirected : Console.IsErrorRedirected;
        var live = invocation.Progress == "live" || (invocation.Progress == "auto" && !redirected && _console.Profile.Capabilities.Interactive);
        var renderer = new ProgressRenderer(progress, _console, new SinkTextWriter(_log, "progress"), _time, new ProgressView(manifest.JobCount, invocation.Simulate), live);
        var renderTask = invocation.Progress == "none" ? Task.CompletedTask : renderer.RunAsync(renderStop.Token);
        try
        {
            var summary = await engine.RunAsync(request, cancellationToken).ConfigureAwait(false);
            if (fleet is not null && sharedPeriod is not null)
            {
                await FillSharedPeriodTotalsAsync(fleet, sharedPeriod, notice).ConfigureAwait(false);
            }

            return summary;
        }
        finally
        {
            await renderStop.CancelAsync().ConfigureAwait(false);
            await renderTask.ConfigureAwait(false);
        }
    }

    /// <summary>The notification's spent today / this month: every batch of the fleet's database, as its caps count them.</summary>
    private static async Task FillSharedPeriodTotalsAsync(global::BatchGen.Fleet.Postgres.PostgresFleet fleet, Core.Costs.Periods.SharedPeriodCaps period, RunNotice notice)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var (day, month) = await fleet.SharedBudget.ReadPeriodAsync(period.Today(), timeout.Token).ConfigureAwait(false);
            notice.SpentTodayUsd = day;
            notice.SpentThisMonthUsd = month;
        }
        catch (Exception ex) when (ex is Core.Pipeline.Fleet.FleetUnavailableException or OperationCanceledException)
        {
            // Unreachable at the very end: the notification leaves the figures out rather than show this machine's.
        }
    }

    /// <summary>
    /// Before anything is submitted, the output store must answer: a video paid for and then not storable is kept
    /// locally, but a store that is down or a bucket that does not exist is better found before the money is spent.
    /// </summary>
    private async Task CheckOutputStoreAsync(S3ObjectStore store, CancellationToken cancellationToken)
    {
        string? warning;
        try
        {
            warning = await store.CheckBucketAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Core.Storage.StorageException ex)
        {
            throw new OutputStoreUnusableException(ex.Message, ex);
        }

        if (warning is not null)
        {
            await _stderr.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts the receiver and points the providers that can be verified at it (see <see cref="Webhooks.WebhookSetup"/>).
    /// </summary>
    private async Task<RunWebhooks> StartWebhooksAsync(
        Core.Webhooks.WebhookSettings webhook,
        Dictionary<string, ProviderSettings> providers,
        ILedger ledger,
        SimulatorHost? simulator,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        var secrets = Webhooks.WebhookSetup.ReadSecrets(providers, simulator?.MagnificWebhookSecret, warnings);
        foreach (var warning in warnings)
        {
            await _stderr.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
        }

        var logger = loggerFactory.CreateLogger("webhooks");
        var inbox = new Core.Webhooks.WebhookInbox(ledger, logger);
        var receiver = await Webhooks.WebhookReceiver.StartAsync(webhook.Listen, inbox, _time, logger, cancellationToken).ConfigureAwait(false);
        var callbackBase = webhook.PublicUrl ?? receiver.Address;
        Webhooks.WebhookSetup.SetCallbacks(providers, secrets.Keys, callbackBase);
        var names = secrets.Count == 0 ? "no provider (all polled)" : string.Join(", ", secrets.Keys);
        _console.WriteLine($"Webhooks: receiving on {receiver.Address} for {names}; callbacks to {callbackBase.GetLeftPart(UriPartial.Path)}/<provider>");
        return new RunWebhooks(inbox, receiver, secrets);
    }

    /// <summary>The output store did not answer before the run (see <see cref="CheckOutputStoreAsync"/>).</summary>
    private sealed class OutputStoreUnusableException(string message, Exception inner) : Exception(message, inner);

    private sealed record RunWebhooks(Core.Webhooks.WebhookInbox Inbox, Webhooks.WebhookReceiver Receiver, Dictionary<string, string> Secrets);

    /// <summary>
    /// The embedded simulator keeps its providers' tasks in <c>&lt;out&gt;/.simulator</c>, so the same command after a
    /// stop or crash finds the tasks it had submitted, as it would at a real provider.
    /// </summary>
    private static async Task<SimulatorHost> StartSimulatorAsync(RunInvocation invocation, string outputDirectory, CancellationToken cancellationToken) =>
        await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Port = 0,
            ScenarioFile = invocation.ScenarioFile,
            Seed = invocation.Seed,
            TimeScale = invocation.TimeScale,
            StateDirectory = Path.Combine(outputDirectory, SimulatorStateDirectory),
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Result URLs recorded by an earlier run name the port its embedded simulator had then: they are pointed at this
    /// run's simulator (same signing key, so they stay valid until they expire).
    /// </summary>
    internal static Func<Uri, Uri> SimulatorUrls(Uri current) => url =>
        url.IsLoopback && url.AbsolutePath.StartsWith("/files/", StringComparison.Ordinal) && (url.Port != current.Port || url.Host != current.Host)
            ? new UriBuilder(url) { Host = current.Host, Port = current.Port }.Uri
            : url;

    /// <summary>Points every provider at the simulator and scales its timings to the simulator's time scale.</summary>
    private static Dictionary<string, ApiKeyReading> SimulatorKeys(SimulatorHost simulator, Dictionary<string, ProviderSettings> providers, double timeScale)
    {
        var keys = new Dictionary<string, ApiKeyReading>(StringComparer.Ordinal);
        foreach (var (name, settings) in providers)
        {
            settings.BaseUrl = simulator.ProviderBaseUrl(name);
            settings.NominalLatency = Scale(settings.NominalLatency, timeScale, TimeSpan.FromMilliseconds(50));
            settings.PollInterval = Scale(settings.PollInterval, timeScale, TimeSpan.FromMilliseconds(50));
            settings.MaxPollInterval = Scale(settings.MaxPollInterval, timeScale, TimeSpan.FromMilliseconds(200));
            settings.JobDeadline = Scale(settings.JobDeadline, timeScale, TimeSpan.FromMinutes(2));
            // The same request budget per simulated minute: the simulator's clock runs 1/timeScale times faster.
            settings.RateLimit = new RateLimitSpec(settings.RateLimit.Permits, Scale(settings.RateLimit.Period, timeScale, TimeSpan.FromMilliseconds(10)));
            keys[name] = new ApiKeyReading($"sim-key-{name}", null, null);
        }

        return keys;
    }

    private static TimeSpan Scale(TimeSpan value, double scale, TimeSpan floor) =>
        TimeSpan.FromTicks(Math.Max(floor.Ticks, (long)(value.Ticks * scale)));

    private static Dictionary<string, ApiKeyReading> ReadKeys(Dictionary<string, ProviderSettings> providers) =>
        providers.ToDictionary(kv => kv.Key, kv => ApiKeys.FromEnvironment(kv.Value.ApiKeyEnv), StringComparer.Ordinal);

    private static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 64,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    })
    {
        // Per-attempt timeouts come from the resilience pipelines; downloads may legitimately take long.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static ManifestLoadResult Load(RunInvocation invocation, DateTimeOffset batchStartUtc) =>
        ManifestLoader.Load(invocation.ManifestPath, new ManifestLoadOptions
        {
            ProvidersFile = invocation.ProvidersFile,
            MaxJobs = invocation.MaxJobs,
            TimeZone = invocation.TimeZone,
            BatchStartUtc = batchStartUtc,
        });

    /// <summary>Prints the loader's warnings and errors; true when the manifest loaded.</summary>
    private async Task<bool> ReportLoadAsync(ManifestLoadResult loaded)
    {
        foreach (var warning in loaded.Warnings)
        {
            await _stderr.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
        }

        if (loaded.Success && loaded.Manifest is not null)
        {
            return true;
        }

        foreach (var error in loaded.Errors)
        {
            _log.WriteAlways(LogLevel.Error, "manifest_error", error.ToString());
        }

        return false;
    }

    /// <summary>Videos that differ from the request (kept: they are paid for) are named on stderr, first few in full.</summary>
    private async Task PrintVideoWarningsAsync(RunFacts facts)
    {
        foreach (var (provider, jobId, warning) in facts.VideoWarnings)
        {
            await _stderr.WriteLineAsync($"warning: {provider} job {jobId}: video {warning} (kept: it is paid for)").ConfigureAwait(false);
        }

        if (facts.VideoWarningCount > RunFacts.ShownVideoWarnings)
        {
            await _stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"warning: {facts.VideoWarningCount} videos in all differ from the request; 'batchgen status' and the reports list them")).ConfigureAwait(false);
        }
    }

    internal static int ExitCodeOf(RunSummary summary) => summary switch
    {
        { StopReason: RunStopReason.Cancelled } => ExitCodes.Cancelled,
        { StoragePending: > 0 } => ExitCodes.StorageError,
        { StopReason: RunStopReason.Halted } => ExitCodes.JobsFailed,
        { StopReason: RunStopReason.BudgetReached } => ExitCodes.BudgetReached,
        _ when summary.Count(JobState.Blocked) > 0 => ExitCodes.ProviderAccountError,
        _ when summary.Count(JobState.Succeeded) < summary.Total - summary.Lost => ExitCodes.JobsFailed,
        _ => ExitCodes.Success,
    };
}
