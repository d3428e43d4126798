using BatchGen.Core.Jobs;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Planning;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace BatchGen.Cli.Rendering;

/// <summary>Human output of <c>plan</c>: a summary line, providers, axis value counts, then the jobs table.</summary>
internal static class PlanRenderer
{
    public static void Render(IAnsiConsole console, Manifest manifest, PlanSummary plan, bool all)
    {
        console.MarkupLine($"[bold]Plan[/] {Markup.Escape(plan.Name)} ({Markup.Escape(manifest.Path)})");
        var budget = plan.MaxCost is { } max ? $" (budget {Format.Usd(max)})" : string.Empty;
        var unknown = plan.UnknownCostJobs > 0 ? $" + {Format.Quantity(plan.UnknownCostJobs, "job")} with no price" : string.Empty;
        console.WriteLine($"Jobs: {Format.Count(plan.Jobs)}");
        console.WriteLine($"Estimated cost: {Format.Usd(plan.EstimatedCostUsd)}{unknown}{budget}");
        console.WriteLine($"Estimated wall time: ~{Format.Duration(plan.EstimatedWallTime)} (an estimate from each provider's concurrency, rate limit and nominal latency; providers run in parallel)");
        console.WriteLine($"Output directory: {manifest.OutputDirectory}");
        if (plan.MaxCost is { } cap && plan.EstimatedCostUsd > cap)
        {
            console.MarkupLine($"[yellow]The estimate is above budget.max_cost ({Format.Usd(cap)}): the run will stop submitting at the cap.[/]");
        }

        console.WriteLine();
        console.Write(ProvidersTable(plan));
        if (plan.AxisCounts.Count > 0)
        {
            console.Write(AxesTable(plan));
        }

        if (!all)
        {
            console.Write(JobsTable(plan.Sample, $"First {plan.Sample.Count} of {Format.Quantity(plan.Jobs, "job")}"));
        }
    }

    /// <summary>Every job, one tab-separated line each: #, id, provider, resolution, duration, cost, output, combination.</summary>
    public static void RenderAllJobs(IAnsiConsole console, Manifest manifest, CancellationToken cancellationToken)
    {
        console.WriteLine($"All {Format.Quantity(manifest.JobCount, "job")} (#, id, provider, resolution, duration, est. cost, output, combination):");
        // Written to the underlying writer, not through the console, so long lines are never wrapped.
        var writer = console.Profile.Out.Writer;
        long index = 0;
        foreach (var job in manifest.Jobs())
        {
            cancellationToken.ThrowIfCancellationRequested();
            index++;
            var cost = manifest.Providers[job.Provider].Pricing.EstimateUsd(job.Parameters);
            var combination = string.Join(", ", job.Axes.Select(kv => $"{kv.Key}={kv.Value}"));
            writer.WriteLine(string.Join('\t', index.ToString(System.Globalization.CultureInfo.InvariantCulture), job.Id, job.Provider, job.Parameters.Resolution, job.Parameters.Duration + "s", Format.Usd(cost), job.OutputPath, combination));
        }
    }

    private static Table ProvidersTable(PlanSummary plan)
    {
        var table = NewTable("Providers", "Provider", "Jobs", "Est. cost", "Concurrency", "Rate limit", "Jobs/min", "Est. wall time");
        foreach (var p in plan.Providers)
        {
            var cost = Format.Usd(p.EstimatedCostUsd) + (p.UnknownCostJobs > 0 ? $" (+{Format.Count(p.UnknownCostJobs)} unknown)" : string.Empty);
            table.AddRow(Cells(p.Name, Format.Count(p.Jobs), cost, p.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), p.RateLimit, p.JobsPerMinute.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture), "~" + Format.Duration(p.EstimatedWallTime)));
        }

        return table;
    }

    private static Table AxesTable(PlanSummary plan)
    {
        var table = NewTable("Jobs per axis value", "Axis", "Value", "Jobs");
        foreach (var (axis, values) in plan.AxisCounts)
        {
            var first = true;
            foreach (var (value, count) in values.Take(50))
            {
                table.AddRow(Cells(first ? axis : string.Empty, Shorten(value, 60), Format.Count(count)));
                first = false;
            }

            if (values.Count > 50)
            {
                table.AddRow(Cells(string.Empty, $"... {values.Count - 50} more values", string.Empty));
            }
        }

        return table;
    }

    private static Table JobsTable(IReadOnlyList<(JobSpec Job, decimal? CostUsd)> jobs, string title)
    {
        var table = NewTable(title, "#", "Job id", "Provider", "Res.", "Dur.", "Est. cost", "Output", "Combination");
        var index = 0;
        foreach (var (job, cost) in jobs)
        {
            index++;
            var combination = string.Join(", ", job.Axes.Select(kv => $"{kv.Key}={Shorten(kv.Value, 30)}"));
            table.AddRow(Cells(
                index.ToString(System.Globalization.CultureInfo.InvariantCulture),
                job.Id,
                job.Provider,
                job.Parameters.Resolution,
                job.Parameters.Duration + "s",
                Format.Usd(cost),
                job.OutputPath,
                Shorten(combination, 90)));
        }

        return table;
    }

    private static Table NewTable(string title, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded };
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)) { NoWrap = false });
        }

        return table;
    }

    private static IRenderable[] Cells(params string[] texts) => texts.Select(t => (IRenderable)new Text(t)).ToArray();

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 3), "...");
}
