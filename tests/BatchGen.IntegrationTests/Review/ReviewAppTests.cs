using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BatchGen.IntegrationTests.Support;

namespace BatchGen.IntegrationTests.Review;

/// <summary>The review app over real HTTP on loopback: access token, files it will serve, votes that survive a crash.</summary>
[Collection(ReviewCollection.Name)]
public sealed class ReviewAppTests(ReviewBatchFixture batch)
{
    private static HttpClient Client(ReviewApp app, bool withToken = true)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (withToken)
        {
            client.DefaultRequestHeaders.Add("X-Review-Token", app.Token);
        }

        return client;
    }

    private static async Task<(string Left, string Right)> NextPairAsync(HttpClient client, string axis)
    {
        var pair = await client.GetFromJsonAsync<JsonElement>($"api/pair?axis={axis}");
        pair.GetProperty("done").GetBoolean().ShouldBeFalse();
        return (pair.GetProperty("left").GetString()!, pair.GetProperty("right").GetString()!);
    }

    [Fact]
    public async Task Review_ListensOnLoopbackAndRefusesRequestsWithoutTheToken()
    {
        await using var app = await ReviewApp.StartAsync(batch.Directory, batch.LedgerPath);
        using var anonymous = Client(app, withToken: false);
        using var client = Client(app);

        app.PageUri.Host.ShouldBe("127.0.0.1");
        (await anonymous.GetAsync(new Uri("/", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync(new Uri("api/batch?token=wrong", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync(new Uri($"?token={app.Token}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await client.GetFromJsonAsync<JsonElement>("api/batch");
        body.GetProperty("jobs").GetArrayLength().ShouldBe(4);
        body.GetProperty("jobs").EnumerateArray().ShouldAllBe(j => j.GetProperty("video").GetString()!.StartsWith("/media/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Media_ServesOnlyTheBatchVideosByJobId()
    {
        await using var app = await ReviewApp.StartAsync(batch.Directory, batch.LedgerPath);
        using var client = Client(app);
        var body = await client.GetFromJsonAsync<JsonElement>("api/batch");
        var video = body.GetProperty("jobs")[0].GetProperty("video").GetString()!;

        var served = await client.GetAsync(new Uri(video.TrimStart('/'), UriKind.Relative));
        served.StatusCode.ShouldBe(HttpStatusCode.OK);
        served.Content.Headers.ContentType!.MediaType.ShouldBe("video/mp4");
        foreach (var probe in new[] { "media/..%2Fledger.db", "media/..%2F..%2F..%2Fetc%2Fpasswd", "media/not-a-job", "ledger.db", "out/ledger.db" })
        {
            (await client.GetAsync(new Uri(probe, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound, probe);
        }
    }

    [Fact]
    public async Task Votes_CastInTheApp_SurviveAKilledAppAndCountInTheRanking()
    {
        int before;
        await using (var app = await ReviewApp.StartAsync(batch.Directory, batch.LedgerPath))
        {
            using var client = Client(app);
            before = (await client.GetFromJsonAsync<JsonElement>("api/ranking")).GetProperty("votes").GetInt32();
            for (var i = 0; i < 3; i++)
            {
                var (left, right) = await NextPairAsync(client, "style");
                var response = await client.PostAsJsonAsync("api/votes", new { left_job_id = left, right_job_id = right, winner = "left", rater = "ann" });
                response.StatusCode.ShouldBe(HttpStatusCode.Created);
                (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("axis").GetString().ShouldBe("style");
            }

            var refused = await client.PostAsJsonAsync("api/votes", new { left_job_id = "x", right_job_id = "y", winner = "left", rater = "ann" });
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var noRater = await client.PostAsJsonAsync("api/ratings", new { job_id = "x", stars = 3 });
            noRater.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            await app.KillAsync();
        }

        await using var restarted = await ReviewApp.StartAsync(batch.Directory, batch.LedgerPath);
        using var again = Client(restarted);
        var ranking = await again.GetFromJsonAsync<JsonElement>("api/ranking");
        ranking.GetProperty("votes").GetInt32().ShouldBe(before + 3);
        ranking.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("axis").GetString() == "style").Sum(r => r.GetProperty("votes").GetInt32()).ShouldBeGreaterThanOrEqualTo(6);
    }

    [Fact]
    public async Task VotesExportThenImport_RoundTripsAndImportIsIdempotent()
    {
        var exported = await CliProcess.RunAsync(batch.Directory, "votes", "export", batch.LedgerPath);
        exported.ExitCode.ShouldBe(0, exported.StdErr);
        exported.StdOut.ShouldStartWith("left_job_id,right_job_id,winner,rater\n");
        var jobs = await LedgerIds();
        var file = Path.Combine(batch.Directory, $"votes-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, $"left_job_id,right_job_id,winner,rater\n{jobs[0]},{jobs[1]},tie,sheet\n");

        var first = await CliProcess.RunAsync(batch.Directory, "votes", "import", file, batch.LedgerPath);
        var second = await CliProcess.RunAsync(batch.Directory, "votes", "import", file, batch.LedgerPath);

        first.ExitCode.ShouldBe(0, first.StdErr);
        first.StdOut.ShouldContain("imported 1 vote(s)");
        second.StdOut.ShouldContain("imported 0 vote(s)");
        (await CliProcess.RunAsync(batch.Directory, "votes", "export", batch.LedgerPath)).StdOut.ShouldContain($"{jobs[0]},{jobs[1]},tie,sheet");
    }

    [Fact]
    public async Task VotesImport_BadFile_ListsEveryErrorAndExits2()
    {
        var file = Path.Combine(batch.Directory, $"bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "left_job_id,right_job_id,winner,rater\nnope,also-nope,maybe,ann\n");

        var result = await CliProcess.RunAsync(batch.Directory, "votes", "import", file, batch.LedgerPath);

        result.ExitCode.ShouldBe(2);
        result.StdErr.ShouldContain($"{file}:2: left_job_id: 'nope' is not a job of this batch");
        result.StdErr.ShouldContain($"{file}:2: winner: 'maybe' is not one of left, right, tie, both_bad");
        result.StdErr.ShouldContain("nothing imported");
    }

    [Fact]
    public async Task Report_AfterVotes_ShowsScoresWithIntervalsBesideTheCosts()
    {
        var file = Path.Combine(batch.Directory, $"style-votes-{Guid.NewGuid():N}.csv");
        var pairs = await StylePairsAsync();
        await File.WriteAllTextAsync(file, "left_job_id,right_job_id,winner,rater\n" + string.Concat(pairs.Select((p, i) => $"{p.Anime},{p.Clay},left,rater{i}\n")));
        (await CliProcess.RunAsync(batch.Directory, "votes", "import", file, batch.LedgerPath)).ExitCode.ShouldBe(0);
        var reports = Path.Combine(batch.Directory, $"reports-{Guid.NewGuid():N}");

        var result = await CliProcess.RunAsync(batch.Directory, "report", batch.LedgerPath, "--out", reports);

        result.ExitCode.ShouldBe(0, result.StdErr);
        var ab = await File.ReadAllLinesAsync(Path.Combine(reports, "ab-comparison.csv"));
        ab[0].ShouldContain("vote_score,vote_score_low,vote_score_high,votes");
        var header = ab[0].Split(',');
        var animeRow = ab.Single(l => l.StartsWith("style,anime,", StringComparison.Ordinal)).Split(',');
        // Other tests of this batch vote too (random sides), so the sign of the score is not fixed; its interval is.
        double Cell(string column) => double.Parse(animeRow[Array.IndexOf(header, column)], System.Globalization.CultureInfo.InvariantCulture);
        Cell("vote_score").ShouldBeInRange(Cell("vote_score_low"), Cell("vote_score_high"));
        Cell("vote_score_low").ShouldBeLessThan(Cell("vote_score_high"));
        int.Parse(animeRow[Array.IndexOf(header, "votes")], System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(pairs.Count);
        (await File.ReadAllTextAsync(Path.Combine(reports, "cost-report.md"))).ShouldContain("## Review: which value wins");
        (await File.ReadAllTextAsync(Path.Combine(reports, "summary.json"))).ShouldContain("\"vote_score_low\"");
    }

    /// <summary>(anime job, clay job) pairs that differ in style only, from the ledger via export.</summary>
    private async Task<List<(string Anime, string Clay)>> StylePairsAsync()
    {
        var export = await CliProcess.RunAsync(batch.Directory, "export", batch.LedgerPath, "--format", "jsonl");
        var jobs = export.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(j => (Id: (j.TryGetProperty("id", out var id) ? id : j.GetProperty("job_id")).GetString()!, Axes: j.GetProperty("axes")))
            .Select(j => (j.Id, Style: j.Axes.GetProperty("style").GetString(), Take: j.Axes.GetProperty("take").GetString()))
            .ToList();
        var pairs = jobs.Where(a => a.Style == "anime").Select(a => (a.Id, jobs.Single(c => c.Style == "clay" && c.Take == a.Take).Id)).ToList();
        pairs.Count.ShouldBe(2);
        return pairs;
    }

    private async Task<IReadOnlyList<string>> LedgerIds()
    {
        var export = await CliProcess.RunAsync(batch.Directory, "export", batch.LedgerPath, "--format", "jsonl");
        return export.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(j => (j.TryGetProperty("id", out var id) ? id : j.GetProperty("job_id")).GetString()!)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}

[CollectionDefinition(Name)]
public sealed class ReviewCollection : ICollectionFixture<ReviewBatchFixture>
{
    public const string Name = "review batch";
}
