using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using BatchGen.Core.Jobs;
using BatchGen.Simulator;

namespace BatchGen.Cli.Commands;

/// <summary>
/// <c>batchgen sim [--port N] [--scenario FILE] [--seed N] [--time-scale X] [--bind ADDR] [--state DIR]</c>: serves the five
/// simulated providers until Ctrl+C or SIGTERM, then exits 0. A bad scenario or option is one line on stderr and exit 2.
/// </summary>
internal static class SimCommand
{
    /// <summary>Default port of <c>batchgen sim</c>.</summary>
    public const int DefaultPort = 5080;

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = $"TCP port to listen on (0 picks a free port). Default {DefaultPort}.", DefaultValueFactory = _ => DefaultPort };
        var scenario = new Option<string?>("--scenario") { Description = "Scenario YAML file: latencies, rate limits, credits, fault rates (see docs/simulator.md)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of every latency and fault decision (default: the scenario's, else 1)." };
        var timeScale = new Option<double?>("--time-scale") { Description = "Multiplies every simulated duration; 0.01 makes a 60 s generation take 0.6 s (default: the scenario's, else 1)." };
        var bind = new Option<string>("--bind") { Description = "Address to bind. Default 127.0.0.1 (loopback only).", DefaultValueFactory = _ => "127.0.0.1" };
        var state = new Option<string?>("--state") { HelpName = "DIR", Description = "Keep the simulated providers' tasks in DIR across restarts (run --simulate keeps them in <out>/.simulator)." };
        var command = new Command("sim", "Run the provider simulator: the five provider APIs on one local port, with fault injection.")
        {
            port, scenario, seed, timeScale, bind, state,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var options = new SimulatorOptions
            {
                Port = parseResult.GetValue(port),
                ScenarioFile = parseResult.GetValue(scenario),
                BindAddress = parseResult.GetValue(bind) ?? "127.0.0.1",
                StateDirectory = parseResult.GetValue(state),
            };
            if (parseResult.GetValue(seed) is { } s)
            {
                options.Seed = s;
            }

            if (parseResult.GetValue(timeScale) is { } t)
            {
                options.TimeScale = t;
            }

            return await RunAsync(options, output, error, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task<int> RunAsync(SimulatorOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        SimulatorHost host;
        try
        {
            // Starting takes milliseconds; a stop request during it is honoured right after.
            host = await SimulatorHost.StartAsync(options, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SimulatorConfigException ex)
        {
            await error.WriteLineAsync($"batchgen sim: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        await using (host.ConfigureAwait(false))
        {
            // The readiness signal scripts and tests wait for: the first line, printed once the port is bound, with the
            // actual address (`--port 0` picks a free port). Its "listening on http://HOST:PORT/" part is stable.
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"BatchGen simulator listening on {host.BaseAddress} (seed {host.Seed}, time scale {host.TimeScale})")).ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var name in ProviderNames.All)
            {
                await output.WriteLineAsync($"  {name,-9} {host.ProviderBaseUrl(name)}").ConfigureAwait(false);
            }

            await output.WriteLineAsync($"  inspect   {host.BaseAddress}_sim/stats  {host.BaseAddress}_sim/requests").ConfigureAwait(false);
            await output.WriteLineAsync("Press Ctrl+C to stop.").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            // The action's token is the primary stop signal. In our tests System.CommandLine 2.0.0 did not cancel it on
            // SIGTERM while Kestrel was running (the process died with 143), so the command also listens for the signals.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.Cancel();
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop cleanly.
            }

            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await output.WriteLineAsync("Simulator stopped.").ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
