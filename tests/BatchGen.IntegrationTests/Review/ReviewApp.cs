using System.Diagnostics;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Review;

/// <summary>
/// `batchgen review` as a child process: started with --no-open on a free port, its address read from the first
/// line it prints (bounded wait), and the whole process tree killed on dispose whatever the test did.
/// </summary>
internal sealed class ReviewApp : IAsyncDisposable
{
    private readonly Process _process;

    private ReviewApp(Process process, Uri pageUri)
    {
        _process = process;
        PageUri = pageUri;
    }

    /// <summary>The address printed, token included.</summary>
    public Uri PageUri { get; }

    public Uri BaseAddress => new(PageUri.GetLeftPart(UriPartial.Authority) + "/");

    public string Token => System.Web.HttpUtility.ParseQueryString(PageUri.Query)["token"]!;

    public static async Task<ReviewApp> StartAsync(string workingDirectory, string target)
    {
        var process = CliProcess.Start(workingDirectory, null, "review", target, "--no-open");
        try
        {
            process.StandardInput.Close();
            _ = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !Uri.TryCreate(line, UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException($"batchgen review printed no address (first line: '{line}', exited: {process.HasExited})");
            }

            return new ReviewApp(process, uri);
        }
        catch
        {
            KillTree(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Kills the app at once (as a crash or a closed laptop would), waiting until it is gone.</summary>
    public async Task KillAsync()
    {
        KillTree(_process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
