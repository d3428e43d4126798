using BatchGen.Core.Manifests;

namespace BatchGen.Tests.Manifests;

/// <summary>Every example in manifests/ loads without errors (the README and `make demo` rely on them).</summary>
public sealed class ExampleManifestTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(ManifestsDirectory()).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".csv", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Load_Example_IsValidWithJobs(string file)
    {
        var result = ManifestLoader.Load(Path.Combine(ManifestsDirectory(), file), new ManifestLoadOptions());

        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        result.Manifest!.JobCount.ShouldBeGreaterThan(0);
        result.Manifest.Jobs().LongCount().ShouldBe(result.Manifest.JobCount);
    }

    [Fact]
    public void Load_Quickstart_FitsTheDemo()
    {
        var manifest = ManifestLoader.Load(Path.Combine(ManifestsDirectory(), "quickstart.yaml"), new ManifestLoadOptions()).Manifest!;

        manifest.JobCount.ShouldBeInRange(24, 48);
        manifest.Jobs().Select(j => j.Provider).Distinct().Count().ShouldBeGreaterThanOrEqualTo(3);
        manifest.MaxCost.ShouldBe(100m);
        manifest.Jobs().Sum(j => manifest.Providers[j.Provider].Pricing.EstimateUsd(j.Parameters) ?? 1000m).ShouldBeLessThan(100m);
    }

    [Fact]
    public void Schema_IsEmbeddedAndMatchesTheFileInSchemas()
    {
        var embedded = BatchGen.Core.Manifests.Schema.ManifestSchema.ReadSchemaText();

        embedded.ShouldBe(File.ReadAllText(Path.Combine(ManifestsDirectory(), "..", "schemas", "manifest.schema.json")));
    }

    internal static string ManifestsDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BatchGen.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("BatchGen.sln not found above the test directory"), "manifests");
    }
}
