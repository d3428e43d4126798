using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests;

namespace BatchGen.Tests.Manifests;

/// <summary>Writes manifests into a temp directory and loads them for real.</summary>
public sealed class ManifestHarness : IDisposable
{
    public const string Image = "https://example.com/images/cat.png";

    private readonly TempDirectory _dir = new();

    public string Directory => _dir.Path;

    public string Write(string name, string content) => _dir.Write(name, content);

    public ManifestLoadResult Load(string yaml, long maxJobs = 100_000, string name = "m.yaml", string? providersFile = null) =>
        ManifestLoader.Load(Write(name, yaml), new ManifestLoadOptions { MaxJobs = maxJobs, ProvidersFile = providersFile });

    public static ManifestLoadResult LoadFile(string path, long maxJobs = 100_000) =>
        ManifestLoader.Load(path, new ManifestLoadOptions { MaxJobs = maxJobs });

    /// <summary>Loads a manifest that must be valid and returns its jobs.</summary>
    public IReadOnlyList<JobSpec> Jobs(string yaml, string name = "m.yaml")
    {
        var result = Load(yaml, name: name);
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
        return result.Manifest!.Jobs().ToList();
    }

    /// <summary>Loads a manifest that must be invalid and returns its error lines.</summary>
    public IReadOnlyList<string> Errors(string yaml, string name = "m.yaml")
    {
        var result = Load(yaml, name: name);
        result.Success.ShouldBeFalse("expected errors");
        result.Manifest.ShouldBeNull();
        return result.Errors.Select(e => Relative(e.ToString())).ToList();
    }

    /// <summary>A diagnostic line with this harness's directory removed (so tests read "m.yaml:3:5: ...").</summary>
    public string Relative(string line) => line.Replace(_dir.Path + "/", string.Empty, StringComparison.Ordinal);

    public static string Axis(JobSpec job, string key) => job.Axes.First(kv => kv.Key == key).Value;

    public void Dispose() => _dir.Dispose();
}
