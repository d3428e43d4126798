using Microsoft.Extensions.Hosting;

namespace BatchGen.Simulator;

/// <summary>
/// A host lifetime that leaves process signals alone: the simulator is embedded in a CLI or a test whose owner decides
/// when to stop (the CLI through its Ctrl+C/SIGTERM cancellation token), so the web host must not grab SIGINT/SIGTERM.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
