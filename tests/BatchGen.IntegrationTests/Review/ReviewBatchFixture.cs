using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Review;

/// <summary>One small style x take batch on magnific, run once through `batchgen run --simulate` for the review tests.</summary>
public sealed class ReviewBatchFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();

    public string Directory => _temp.Path;

    public string OutputDirectory => Path.Combine(_temp.Path, "out");

    public string LedgerPath => Path.Combine(OutputDirectory, "ledger.db");

    public async Task InitializeAsync()
    {
        var manifest = _temp.Write("review-test.yaml", """
            version: 1
            name: review-test
            defaults:
              prompt: "a cat surfing, take {take}"
              image_url: https://example.com/cat.png
              duration: 5
              resolution: 540p
              provider: magnific
            matrix:
              style: [anime, clay]
              take: [one, two]
            """);
        var result = await CliProcess.RunAsync(
            _temp.Path, null, ["run", manifest, "--simulate", "--time-scale", "0.05", "--progress", "none", "--out", OutputDirectory], TimeSpan.FromMinutes(4));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"the review batch did not run: exit {result.ExitCode}: {result.StdErr}");
        }
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _temp.Dispose();
}
