using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Images;

/// <summary>The image pre-flight through the real CLI: bad local images are validation errors at their place, exit 2.</summary>
public sealed class LocalImageCliTests
{
    [Fact]
    public async Task Validate_TruncatedPngAndOversizedImage_Exit2WithFileLineCol()
    {
        using var dir = new TempDirectory();
        var png = TestImages.Png(32, 32);
        dir.Write("shots/cut.png", string.Empty);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "shots", "cut.png"), png[..^30]);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "shots", "huge.png"), TestImages.Png(32, 32, 1, padding: 11 * 1024 * 1024));
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "shots", "fine.png"), TestImages.Png(32, 32, 2));
        var manifest = dir.Write("m.yaml", "version: 1\nname: frames\ndefaults:\n  prompt: a cat\n  provider: pixwith\nmatrix:\n  image:\n    - shots/fine.png\n    - shots/cut.png\n    - shots/huge.png\n");

        var result = await CliProcess.RunAsync(dir.Path, "validate", manifest);

        result.ExitCode.ShouldBe(2, result.StdErr);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain($"{manifest}:9:7: image: 'shots/cut.png' is a truncated PNG (a chunk runs past the end of the file)");
        lines.ShouldContain($"{manifest}:10:7: image: 'shots/huge.png' is 11 MB, over pixwith's limit of 10 MB (provider=pixwith)");
        lines.Length.ShouldBe(2, result.StdErr);
    }

    [Fact]
    public async Task Validate_LocalImagesForUrlOnlyProvidersWithoutStore_Exit2NamingThem()
    {
        using var dir = new TempDirectory();
        dir.Write("a.png", string.Empty);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "a.png"), TestImages.Png(8, 8));
        var manifest = dir.Write("m.yaml", "version: 1\nname: frames\ndefaults:\n  prompt: a cat\n  image: a.png\nmatrix:\n  provider: [aimlapi, pixwith, gmicloud]\n");

        var result = await CliProcess.RunAsync(dir.Path, "validate", manifest);

        result.ExitCode.ShouldBe(2, result.StdErr);
        result.StdErr.ShouldContain($"{manifest}:5:10: image_store: local images go to aimlapi, gmicloud, which take only image URLs");
    }

    [Fact]
    public async Task ValidateCheckImages_UrlThatDoesNotResolve_Exit2AtItsPlace()
    {
        using var dir = new TempDirectory();
        await using var sim = await SimulatorProcess.StartAsync(dir.Path);
        var missing = new Uri(sim.BaseAddress, "cdn/pixwith/none/x.png");
        var manifest = dir.Write("m.yaml", $"version: 1\nname: frames\ndefaults:\n  prompt: a cat\n  provider: pixwith\n  image_url: {missing}\n");

        var plain = await CliProcess.RunAsync(dir.Path, "validate", manifest);
        var checkedRun = await CliProcess.RunAsync(dir.Path, "validate", manifest, "--check-images");

        plain.ExitCode.ShouldBe(0, plain.StdErr);
        checkedRun.ExitCode.ShouldBe(2, checkedRun.StdErr);
        checkedRun.StdErr.ShouldContain($"{manifest}:6:14: image_url: '{missing}' answered HTTP 404");
    }
}
