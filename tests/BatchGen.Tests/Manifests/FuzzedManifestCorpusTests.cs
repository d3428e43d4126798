using System.Diagnostics;
using BatchGen.Core.Manifests;

namespace BatchGen.Tests.Manifests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "fuzz (alone, so its memory is its own)";
}

/// <summary>
/// 1,100 deterministic mutants of the example manifests, each loaded the way <c>batchgen validate</c> loads it: every one
/// ends valid or with diagnostics (exit 0 or 2), never an exception or a "BatchGen bug" diagnostic, each in under 10 s,
/// with the managed heap's growth (from a collected baseline) under 500 MB throughout (the working set's growth is printed). Runs alone (no other test shares the process).
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class FuzzedManifestCorpusTests : IDisposable
{
    public const int Count = 1_100;
    private const long MaxBytes = 500L * 1024 * 1024;
    private static readonly TimeSpan MaxPerMutant = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_EveryMutant_ValidOrDiagnosticsNeverACrashWithinTimeAndMemory()
    {
        var manifests = ExampleManifestTests.ManifestsDirectory();
        var process = Process.GetCurrentProcess();
        long peakWorkingSet = 0;
        long peakHeap = 0;
        var heapBaseline = GC.GetTotalMemory(forceFullCollection: true);
        process.Refresh();
        var baseline = process.WorkingSet64;
        var valid = 0;
        var invalid = 0;
        foreach (var mutant in ManifestFuzzer.Generate(manifests, Count))
        {
            var path = Write(mutant);
            var clock = Stopwatch.StartNew();
            ManifestLoadResult result;
            try
            {
                result = ManifestLoader.Load(path, new ManifestLoadOptions());
            }
            catch (Exception ex)
            {
                throw new ShouldAssertException($"mutant {mutant.Index} ({mutant.Description}) threw {ex.GetType().Name}: {ex.Message}", ex);
            }

            clock.Elapsed.ShouldBeLessThan(MaxPerMutant, $"mutant {mutant.Index} ({mutant.Description})");
            if (result.Success)
            {
                result.Manifest.ShouldNotBeNull($"mutant {mutant.Index}");
                result.Errors.ShouldBeEmpty($"mutant {mutant.Index}");
                valid++;
            }
            else
            {
                result.Errors.ShouldNotBeEmpty($"mutant {mutant.Index} ({mutant.Description}) failed without a diagnostic");
                result.Errors.ShouldAllBe(e => !e.Message.Contains("BatchGen bug"), $"mutant {mutant.Index} ({mutant.Description}): {string.Join(" | ", result.Errors)}");
                result.Errors.ShouldAllBe(e => e.Line >= 1 && e.Column >= 1, $"mutant {mutant.Index}");
                invalid++;
            }

            process.Refresh();
            peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64 - baseline);
            var heap = GC.GetTotalMemory(forceFullCollection: false) - heapBaseline;
            if (heap >= MaxBytes)
            {
                // Uncollected garbage counts above: past the bound, measure what is really held.
                heap = GC.GetTotalMemory(forceFullCollection: true) - heapBaseline;
            }

            peakHeap = Math.Max(peakHeap, heap);
            peakHeap.ShouldBeLessThan(MaxBytes, $"managed heap after mutant {mutant.Index} ({mutant.Description})");
            Clean();
        }

        (valid + invalid).ShouldBe(Count);
        invalid.ShouldBeGreaterThan(Count / 2, "most mutants are damaged");
        valid.ShouldBeGreaterThan(0, "some mutations leave a valid manifest");
        peakHeap.ShouldBeLessThan(MaxBytes);
        Console.WriteLine($"fuzz corpus: {valid} valid, {invalid} invalid; peak managed heap {peakHeap / (1024 * 1024)} MB, working set growth {peakWorkingSet / (1024 * 1024)} MB");
    }

    [Fact]
    public void Generate_SameSeed_SameCorpus()
    {
        var manifests = ExampleManifestTests.ManifestsDirectory();

        var first = ManifestFuzzer.Generate(manifests, 50).Select(m => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(m.Content))).ToList();
        var second = ManifestFuzzer.Generate(manifests, 50).Select(m => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(m.Content))).ToList();

        second.ShouldBe(first);
        first.Distinct().Count().ShouldBeGreaterThan(40);
    }

    private string Write(FuzzMutant mutant)
    {
        foreach (var (name, content) in mutant.Extra)
        {
            var extra = Path.Combine(_dir.Path, name);
            Directory.CreateDirectory(Path.GetDirectoryName(extra)!);
            File.WriteAllBytes(extra, content);
        }

        var path = Path.Combine(_dir.Path, mutant.FileName);
        File.WriteAllBytes(path, mutant.Content);
        return path;
    }

    private void Clean()
    {
        foreach (var file in Directory.EnumerateFiles(_dir.Path, "mutant-*"))
        {
            File.Delete(file);
        }
    }
}
