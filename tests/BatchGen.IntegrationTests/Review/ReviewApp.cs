using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Review;

/// <summary>
/// `batchgen review` as a child process: started with --no-open on a free port, its address read from the first
/// line it prints (bounded wait), and the whole process tree killed on dispose whatever the test did.
/// </summary>
internal sealed class ReviewApp : IAsyncDisposable
{
    private readonly CliChild _child;

    private ReviewApp(CliChild child, Uri pageUri)
    {
        _child = child;
        PageUri = pageUri;
    }

    /// <summary>The address printed, token included.</summary>
    public Uri PageUri { get; }

    public Uri BaseAddress => new(PageUri.GetLeftPart(UriPartial.Authority) + "/");

    public string Token => System.Web.HttpUtility.ParseQueryString(PageUri.Query)["token"]!;

    public static async Task<ReviewApp> StartAsync(string workingDirectory, string target)
    {
        var child = CliProcess.Start(workingDirectory, null, "review", target, "--no-open");
        try
        {
            var line = await child.WaitForLineAsync(l => l.StartsWith("http://", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
            return new ReviewApp(child, new Uri(line));
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the app at once (as a crash or a closed laptop would), waiting until it is gone.</summary>
    public async Task KillAsync()
    {
        _child.Process.Kill(entireProcessTree: true);
        await _child.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    public ValueTask DisposeAsync() => _child.DisposeAsync();
}
