using System.Net;
using System.Text.Json;
using BatchGen.Core.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchGen.Simulator;

/// <summary>
/// The five provider simulators on one Kestrel port: <c>/magnific</c>, <c>/gmicloud</c>, <c>/aimlapi</c>, <c>/pixwith</c>,
/// <c>/segmind</c>, result files under <c>/files</c>, inspection under <c>/_sim</c>. Start with <see cref="StartAsync"/>,
/// stop with <see cref="StopAsync"/> or by disposing.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SimState state;
    private readonly MagnificWebhooks webhooks;
    private bool stopped;

    private SimulatorHost(WebApplication app, SimState state, MagnificWebhooks webhooks, Uri baseAddress)
    {
        this.app = app;
        this.state = state;
        this.webhooks = webhooks;
        BaseAddress = baseAddress;
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    /// <summary>The seed in effect (options, then scenario, then 1).</summary>
    public int Seed => state.Seed;

    /// <summary>The time scale in effect (options, then scenario, then 1).</summary>
    public double TimeScale => state.TimeScale;

    /// <summary>Loads and validates the scenario, binds the port and starts serving.</summary>
    /// <exception cref="SimulatorConfigException">A bad scenario or option (one line, with file:line:col for files).</exception>
    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        SimulatorScenario scenario;
        if (options.Scenario is not null)
        {
            ScenarioLoader.Validate(options.Scenario);
            scenario = Copy(options.Scenario);
        }
        else if (options.ScenarioFile is not null)
        {
            scenario = await ScenarioLoader.LoadFileAsync(options.ScenarioFile, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            scenario = new SimulatorScenario();
        }

        var seed = options.Seed != 1 ? options.Seed : scenario.Seed ?? 1;
        var timeScale = options.TimeScale != 1.0 ? options.TimeScale : scenario.TimeScale ?? 1.0;
        if (!(timeScale > 0) || !double.IsFinite(timeScale))
        {
            throw new SimulatorConfigException($"--time-scale must be greater than 0, got {timeScale.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (options.Port is < 0 or > 65535)
        {
            throw new SimulatorConfigException($"--port must be 0..65535, got {options.Port}");
        }

        if (!IPAddress.TryParse(options.BindAddress, out var address))
        {
            throw new SimulatorConfigException($"--bind must be an IP address such as 127.0.0.1, got '{options.BindAddress}'");
        }

        var journal = options.StateDirectory is null ? null : TaskJournal.Open(options.StateDirectory);
        try
        {
            return await ListenAsync(options, new SimState(scenario, seed, timeScale, options.TimeProvider, journal), address, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            journal?.Dispose();
            throw;
        }
    }

    private static async Task<SimulatorHost> ListenAsync(SimulatorOptions options, SimState state, IPAddress address, CancellationToken cancellationToken)
    {
        var builder = EmbeddedWebHost.CreateBuilder(typeof(SimulatorHost).Assembly.GetName().Name!);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 8 * 1024 * 1024;
            kestrel.Listen(address, options.Port);
        });
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        var app = builder.Build();
        app.Use((http, next) => RequestLogging.InvokeAsync(http, () => next(http), state));
        InspectionEndpoints.Map(app, state);
        DownloadEndpoint.Map(app, state);
        ImageEndpoints.Map(app, state);
        var webhooks = new MagnificWebhooks(state.Providers[ProviderNames.Magnific]);
        MapProviders(app, state, webhooks);
        app.MapFallback((HttpContext http) =>
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return http.Response.WriteAsJsonAsync(new { error = $"no simulated endpoint for {http.Request.Method} {http.Request.Path}" }, http.RequestAborted);
        });

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            await webhooks.DisposeAsync().ConfigureAwait(false);
            throw new SimulatorConfigException($"cannot listen on {options.BindAddress}:{options.Port}: {ex.Message}", ex);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound).Port;
        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        if (address.Equals(IPAddress.Any))
        {
            host = "127.0.0.1";
        }

        state.PublicOrigin = $"http://{host}:{port}";
        return new SimulatorHost(app, state, webhooks, new Uri(state.PublicOrigin + "/"));
    }

    /// <summary>http://127.0.0.1:PORT/&lt;provider&gt; (no trailing slash): append the provider's documented paths.</summary>
    public Uri ProviderBaseUrl(string provider)
    {
        if (!ProviderNames.IsKnown(provider))
        {
            throw new ArgumentException($"unknown provider '{provider}'", nameof(provider));
        }

        return new Uri($"{state.PublicOrigin}/{provider}");
    }

    /// <summary>The secret Magnific webhook deliveries are signed with (the scenario's <c>webhook_secret</c>).</summary>
    public string MagnificWebhookSecret => state.Providers[ProviderNames.Magnific].Scenario.WebhookSecret;

    /// <summary>The same data as <c>GET /_sim/stats</c>.</summary>
    public SimulatorStats GetStats() => state.Stats();

    /// <summary>Forgets every task, key account, counter and logged request (as <c>POST /_sim/reset</c>).</summary>
    public void Reset() => state.Reset();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        await webhooks.DisposeAsync().ConfigureAwait(false);
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        state.Journal?.Dispose();
        state.Images.Dispose();
    }

    private static void MapProviders(WebApplication app, SimState state, MagnificWebhooks webhooks)
    {
        ApiPipeline Pipeline(string name, IProviderDialect dialect) => new(state.Providers[name], dialect);
        new MagnificApi(Pipeline(ProviderNames.Magnific, new MagnificDialect()), webhooks).Map(app.MapGroup("/" + ProviderNames.Magnific));
        new GmiCloudApi(Pipeline(ProviderNames.GmiCloud, new GmiCloudDialect())).Map(app.MapGroup("/" + ProviderNames.GmiCloud));
        new AimlApiApi(Pipeline(ProviderNames.AimlApi, new AimlApiDialect())).Map(app.MapGroup("/" + ProviderNames.AimlApi));
        new PixwithApi(Pipeline(ProviderNames.Pixwith, new PixwithDialect())).Map(app.MapGroup("/" + ProviderNames.Pixwith));
        new SegmindApi(Pipeline(ProviderNames.Segmind, new SegmindDialect())).Map(app.MapGroup("/" + ProviderNames.Segmind));
    }

    private static SimulatorScenario Copy(SimulatorScenario scenario) =>
        JsonSerializer.Deserialize<SimulatorScenario>(JsonSerializer.Serialize(scenario))!;
}
