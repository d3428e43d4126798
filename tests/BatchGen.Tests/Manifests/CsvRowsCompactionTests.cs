using System.Text;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Csv;

namespace BatchGen.Tests.Manifests;

/// <summary>
/// A large CSV keeps only its cell texts, and parses a row again when it is read: the jobs (ids,
/// rendered prompts, output paths) are the same as those of a CSV small enough to keep its rows parsed; a manifest
/// whose rows a run released refuses to expand again.
/// </summary>
public sealed class CsvRowsCompactionTests : IDisposable
{
    private readonly ManifestHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Load_CsvFromTheCompactionSize_SameJobsAsTheUncompactedRowsBeforeIt()
    {
        var rows = CsvRows.ParseOnReadFrom;
        var large = ManifestHarness.LoadFile(_harness.Write("large.csv", Csv(rows)));
        var small = ManifestHarness.LoadFile(_harness.Write("small.csv", Csv(rows - 1)));
        large.Errors.ShouldBeEmpty();
        small.Errors.ShouldBeEmpty();

        var compacted = large.Manifest!.Jobs().ToList();
        var parsed = small.Manifest!.Jobs().ToList();

        RowsOf(large.Manifest).IsCompact.ShouldBeTrue();
        RowsOf(small.Manifest).IsCompact.ShouldBeFalse();
        compacted.Count.ShouldBe(rows);
        compacted.Take(rows - 1).Select(Key).ShouldBe(parsed.Select(Key));
        compacted[7].Parameters.Prompt.ShouldBe("shot 7: a cat on a wall");
        large.Manifest.Jobs().Select(j => j.Id).ShouldBe(compacted.Select(j => j.Id));
    }

    [Fact]
    public void JobsThenRelease_AfterTheStream_ReleasesTheRowsAndRefusesToExpandAgain()
    {
        var manifest = ManifestHarness.LoadFile(_harness.Write("release.csv", Csv(CsvRows.ParseOnReadFrom))).Manifest!;

        manifest.JobsThenRelease().Count().ShouldBe(CsvRows.ParseOnReadFrom);

        Should.Throw<InvalidOperationException>(() => manifest.Jobs().First()).Message.ShouldContain("released");
        manifest.JobCount.ShouldBe(CsvRows.ParseOnReadFrom);
    }

    private static string Key(BatchGen.Core.Jobs.JobSpec job) => $"{job.Id}|{job.Parameters.Prompt}|{job.Parameters.Duration}|{job.OutputPath}|{string.Join(",", job.Axes)}";

    private static CsvRows RowsOf(Manifest manifest)
    {
        var document = (ManifestDocument)typeof(Manifest).GetField("_document", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(manifest)!;
        return (CsvRows)document.Axes.ShouldHaveSingleItem().Entries;
    }

    /// <summary>Rows with a template variable, a repeated enum and integer, and a unique image per row.</summary>
    private static string Csv(int rows)
    {
        var csv = new StringBuilder("provider,image_url,prompt,animal,resolution,duration,seed\n");
        string[] animals = ["fox in the rain", "cat on a wall", "heron at dawn"];
        for (var i = 0; i < rows; i++)
        {
            csv.Append(i % 2 == 0 ? "aimlapi" : "magnific").Append(",https://example.com/i/").Append(i).Append(".png,")
                .Append("\"shot ").Append(i).Append(": a {animal}\",").Append(animals[i % 3]).Append(",540p,")
                .Append(i % 3 == 0 ? "8" : "5").Append(',').Append(i % 7).Append('\n');
        }

        return csv.ToString();
    }
}
