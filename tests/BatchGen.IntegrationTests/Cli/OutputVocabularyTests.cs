using System.Text.Json;
using System.Text.RegularExpressions;
using BatchGen.Core.Jobs;
using BatchGen.Core.Ledger;
using BatchGen.IntegrationTests.Run;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Cli;

/// <summary>
/// One output vocabulary, through the real CLI: snake_case keys in every JSON output, <c>run --json</c>,
/// <c>validate --json</c>, <c>schema</c>, "simulated" beside simulated money, "Remaining, estimated" after a budget
/// stop, and provider-reported costs more than 3x from the estimate flagged rather than summed.
/// </summary>
public sealed partial class OutputVocabularyTests
{
    [Fact]
    public async Task JsonOutputs_EveryCommand_KeysAreSnakeCase()
    {
        using var dir = new TempDirectory();
        var manifest = RunFixtures.WriteManifest(dir, "vocabulary", 4, [ProviderNames.Magnific, ProviderNames.Segmind]);
        var invalid = dir.Write("broken.yaml", "version: 1\nname: broken\nmatrix:\n  provider: [segmnd]\n");
        var outDir = Path.Combine(dir.Path, "out");
        var ledger = Path.Combine(outDir, "ledger.db");

        var run = await CliProcess.RunAsync(dir.Path, null, ["run", manifest, "--simulate", "--json", "--out", outDir], TimeSpan.FromMinutes(3));
        run.ExitCode.ShouldBe(0, run.StdErr);
        var outputs = new Dictionary<string, string>
        {
            ["run --json"] = run.StdOut,
            ["summary.json"] = await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")),
            ["status --json"] = (await Succeed(dir, "status", ledger, "--json")).StdOut,
            ["plan --json"] = (await Succeed(dir, "plan", manifest, "--json")).StdOut,
            ["validate --json"] = (await Succeed(dir, "validate", manifest, "--json")).StdOut,
            ["validate --json (invalid)"] = (await CliProcess.RunAsync(dir.Path, "validate", invalid, "--json")).StdOut,
        };
        var export = (await Succeed(dir, "export", ledger, "--format", "jsonl")).StdOut;
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(4);
        for (var i = 0; i < lines.Length; i++)
        {
            outputs[$"export jsonl line {i + 1}"] = lines[i];
        }

        foreach (var (name, text) in outputs)
        {
            using var document = JsonDocument.Parse(text);
            var bad = new List<string>();
            CollectKeys(document.RootElement, "$", bad);
            bad.ShouldBeEmpty($"{name}: keys not in snake_case");
        }
    }

    [Fact]
    public async Task RunJson_Simulated_OneObjectOnStdoutAndSimulatedBesideEveryAmount()
    {
        using var dir = new TempDirectory();
        var manifest = RunFixtures.WriteManifest(dir, "simulated", 3, [ProviderNames.GmiCloud]);
        var outDir = Path.Combine(dir.Path, "out");

        var run = await CliProcess.RunAsync(dir.Path, null, ["run", manifest, "--simulate", "--json", "--progress", "plain", "--out", outDir], TimeSpan.FromMinutes(3));

        run.ExitCode.ShouldBe(0, run.StdErr);
        using var json = JsonDocument.Parse(run.StdOut); // the whole of stdout is the one object: no progress mixed in
        var root = json.RootElement;
        root.GetProperty("simulated").GetBoolean().ShouldBeTrue();
        root.GetProperty("exit_code").GetInt32().ShouldBe(0);
        root.GetProperty("jobs").GetInt32().ShouldBe(3);
        root.GetProperty("states").GetProperty("succeeded").GetInt32().ShouldBe(3);
        root.GetProperty("spent_usd").GetDecimal().ShouldBeGreaterThan(0m);
        root.GetProperty("stop_reason").GetString().ShouldBe("none");
        run.StdErr.ShouldContain("3 jobs: 3 succeeded");
        SpentLine().IsMatch(run.StdErr).ShouldBeTrue(run.StdErr);
        (await File.ReadAllTextAsync(Path.Combine(outDir, "cost-report.md"))).ShouldContain("**Simulated**");
        (await File.ReadAllTextAsync(Path.Combine(outDir, "contact-sheet.html"))).ShouldContain("simulated</b>: no money was spent");
        using (var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json"))))
        {
            summary.RootElement.GetProperty("simulated").GetBoolean().ShouldBeTrue();
        }

        // The ledger knows: a real run may not resume it (it would skip jobs only the simulator "made").
        var real = await CliProcess.RunAsync(dir.Path, RunFixtures.KeyEnvironment(), ["run", manifest, "--progress", "none", "--out", outDir]);
        real.ExitCode.ShouldBe(2, real.StdErr);
        real.StdErr.ShouldContain("written by a simulated run");
    }

    [Fact]
    public async Task Run_BudgetStop_RemainingEstimateIncludesJobsNeverSubmitted()
    {
        using var dir = new TempDirectory();
        var manifest = RunFixtures.WriteManifest(dir, "budget", 10, [ProviderNames.Segmind]);
        var outDir = Path.Combine(dir.Path, "out");
        // Segmind 540p 5 s is $0.375 by default: $1.50 pays for 4 of the 10 jobs.
        var run = await CliProcess.RunAsync(dir.Path, null, ["run", manifest, "--simulate", "--json", "--progress", "none", "--out", outDir, "--max-cost", "1.50"], TimeSpan.FromMinutes(3));

        run.ExitCode.ShouldBe(3, run.StdErr);
        run.StdErr.ShouldContain("6 jobs not submitted");
        using (var json = JsonDocument.Parse(run.StdOut))
        {
            json.RootElement.GetProperty("stop_reason").GetString().ShouldBe("budget_reached");
            json.RootElement.GetProperty("budget_remaining_jobs").GetInt32().ShouldBe(6);
        }

        var jobs = await RunCommandTests.ReadLedgerAsync(dir);
        var notCharged = jobs.Where(j => j.State is not (JobState.Succeeded or JobState.Generated or JobState.Failed)).ToList();
        notCharged.Count.ShouldBe(6);
        notCharged.ShouldAllBe(j => j.EstimatedCostUsd == null || j.State == JobState.Pending);
        await AssertRemainingAsync(outDir, 6, 2.25m);

        // Rebuilt from the ledger alone, the same figure (prices from the manifest the ledger names).
        (await Succeed(dir, "report", Path.Combine(outDir, "ledger.db"))).ExitCode.ShouldBe(0);
        await AssertRemainingAsync(outDir, 6, 2.25m);
    }

    [Fact]
    public async Task Run_ReportedCostOverThreeTimesTheEstimate_FlaggedNotSummedIntoSpent()
    {
        using var dir = new TempDirectory();
        var manifest = RunFixtures.WriteManifest(dir, "credits", 2, [ProviderNames.AimlApi]);
        // A credits unit mistake: every reported credit read as a whole dollar.
        var providers = dir.Write("providers.yaml", "providers:\n  aimlapi:\n    reported_credit_usd: 1\n");
        var outDir = Path.Combine(dir.Path, "out");

        var run = await CliProcess.RunAsync(dir.Path, null, ["run", manifest, "--simulate", "--providers", providers, "--json", "--progress", "none", "--out", outDir], TimeSpan.FromMinutes(3));

        run.ExitCode.ShouldBe(0, run.StdErr);
        var jobs = await RunCommandTests.ReadLedgerAsync(dir);
        jobs.ShouldAllBe(j => j.ActualCostUsd > 3 * j.EstimatedCostUsd);
        var estimates = jobs.Sum(j => j.EstimatedCostUsd!.Value);
        run.StdErr.ShouldContain("flagged cost: aimlapi: job ");
        run.StdErr.ShouldContain("not counted as spent");
        using (var json = JsonDocument.Parse(run.StdOut))
        {
            json.RootElement.GetProperty("spent_usd").GetDecimal().ShouldBe(estimates);
            json.RootElement.GetProperty("flagged_costs").GetArrayLength().ShouldBe(2);
        }

        using (var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json"))))
        {
            var totals = summary.RootElement.GetProperty("totals");
            totals.GetProperty("spent_usd").GetDecimal().ShouldBe(estimates);
            totals.GetProperty("flagged_jobs").GetInt32().ShouldBe(2);
            totals.GetProperty("flagged_reported_usd").GetDecimal().ShouldBe(jobs.Sum(j => j.ActualCostUsd!.Value));
        }

        (await File.ReadAllTextAsync(Path.Combine(outDir, "cost-report.md"))).ShouldContain("## Flagged provider-reported costs");
    }

    [Fact]
    public async Task ValidateJson_ErrorsAndValidFile_DiagnosticsAsObjectsWithCounts()
    {
        using var dir = new TempDirectory();
        var good = RunFixtures.WriteManifest(dir, "good", 1, [ProviderNames.Magnific]);
        var bad = dir.Write("bad.yaml", "version: 1\nname: bad\ndefaults:\n  prompt: hi\n  image_url: https://example.com/a.png\nmatrix:\n  provider: [segmnd]\n");

        var result = await CliProcess.RunAsync(dir.Path, "validate", good, bad, "--json");

        result.ExitCode.ShouldBe(2, result.StdErr);
        result.StdErr.ShouldBeEmpty();
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        root.GetProperty("valid").GetBoolean().ShouldBeFalse();
        root.GetProperty("manifest_count").GetInt32().ShouldBe(2);
        root.GetProperty("valid_count").GetInt32().ShouldBe(1);
        root.GetProperty("jobs").GetInt64().ShouldBe(1);
        var manifests = root.GetProperty("manifests").EnumerateArray().ToList();
        manifests[0].GetProperty("valid").GetBoolean().ShouldBeTrue();
        manifests[0].GetProperty("jobs").GetInt64().ShouldBe(1);
        var diagnostic = manifests[1].GetProperty("diagnostics").EnumerateArray().First(d => d.GetProperty("severity").GetString() == "error");
        diagnostic.GetProperty("file").GetString().ShouldBe(bad);
        diagnostic.GetProperty("line").GetInt32().ShouldBe(7);
        diagnostic.GetProperty("column").GetInt32().ShouldBeGreaterThan(0);
        diagnostic.GetProperty("field").GetString().ShouldNotBeNullOrEmpty();
        diagnostic.GetProperty("message").GetString()!.ShouldContain("segmind");
        root.GetProperty("error_count").GetInt32().ShouldBe(manifests[1].GetProperty("diagnostics").EnumerateArray().Count(d => d.GetProperty("severity").GetString() == "error"));
    }

    [Fact]
    public async Task Schema_PrintsTheEmbeddedSchemaWithItsId_AndWritesAFile()
    {
        using var dir = new TempDirectory();

        var printed = await Succeed(dir, "schema");
        var file = Path.Combine(dir.Path, "editor", "manifest.schema.json");
        var written = await Succeed(dir, "schema", "--output", file);

        using var json = JsonDocument.Parse(printed.StdOut);
        json.RootElement.GetProperty("$id").GetString().ShouldBe("urn:batchgen:manifest:v1");
        json.RootElement.GetProperty("properties").TryGetProperty("matrix", out _).ShouldBeTrue();
        (await File.ReadAllTextAsync(file)).ShouldBe(printed.StdOut);
        written.StdErr.ShouldContain($"# yaml-language-server: $schema={file}");
        // The tool validates with the very schema it prints.
        var repoSchema = Path.Combine(RepoRoot(), "schemas", "manifest.schema.json");
        printed.StdOut.ShouldBe(await File.ReadAllTextAsync(repoSchema));
    }

    private static async Task AssertRemainingAsync(string outDir, int jobs, decimal usd)
    {
        var markdown = await File.ReadAllTextAsync(Path.Combine(outDir, "cost-report.md"));
        markdown.ShouldContain($"| Remaining, estimated | ${usd:0.00} (simulated) for {jobs} jobs |");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")));
        var totals = summary.RootElement.GetProperty("totals");
        totals.GetProperty("remaining_estimate_usd").GetDecimal().ShouldBe(usd);
        totals.GetProperty("remaining_jobs").GetInt32().ShouldBe(jobs);
    }

    private static async Task<CliResult> Succeed(TempDirectory dir, params string[] args)
    {
        var result = await CliProcess.RunAsync(dir.Path, args);
        result.ExitCode.ShouldBe(0, $"batchgen {string.Join(' ', args)}: {result.StdErr}");
        return result;
    }

    /// <summary>Every object key, except the keys of maps whose keys are user data (axis names and values, extra fields).</summary>
    private static void CollectKeys(JsonElement element, string path, List<string> bad)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                CollectKeys(item, $"{path}[{i++}]", bad);
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!SnakeCase().IsMatch(property.Name))
                {
                    bad.Add($"{path}.{property.Name}");
                }

                if (property.Name is not ("axes" or "extra"))
                {
                    CollectKeys(property.Value, $"{path}.{property.Name}", bad);
                }
            }
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BatchGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("BatchGen.sln not found");
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex(@"spent \$\d+\.\d\d \(simulated\)")]
    private static partial Regex SpentLine();
}
