using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BatchGen.Core.Ledger;
using BatchGen.Core.Reports;
using BatchGen.Core.Reviews;
using BatchGen.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchGen.Cli.Review;

/// <summary>
/// The review app: Kestrel on 127.0.0.1 only, every request checked against a random access token (query
/// <c>token</c> or header <c>X-Review-Token</c>), the page, a small JSON API and the videos of the batch.
/// </summary>
internal sealed class ReviewServer : IAsyncDisposable
{
    public const string TokenHeader = "X-Review-Token";
    private const int MaxNoteLength = 2000;
    private const int MaxNameLength = 64;

    private readonly WebApplication _app;

    private ReviewServer(WebApplication app, ReviewBatch batch, Uri address, string token)
    {
        _app = app;
        Batch = batch;
        Address = address;
        Token = token;
    }

    public ReviewBatch Batch { get; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Address { get; }

    public string Token { get; }

    /// <summary>The address to open, token included.</summary>
    public Uri PageUri => new(Address, $"?token={Token}");

    public static async Task<ReviewServer> StartAsync(ReviewBatch batch, int port, CancellationToken cancellationToken)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var builder = EmbeddedWebHost.CreateBuilder(typeof(ReviewServer).Assembly.GetName().Name!);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        var app = builder.Build();
        app.Use((http, next) => Authorised(http, token) ? next(http) : Refuse(http));
        Map(app, batch, new PairSelector(new Random()));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new ReviewException($"cannot listen on 127.0.0.1:{port}: {ex.Message}", ex);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ReviewServer(app, batch, new Uri($"http://127.0.0.1:{new Uri(bound).Port}/"), token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static bool Authorised(HttpContext http, string token)
    {
        var given = http.Request.Headers[TokenHeader].FirstOrDefault() ?? http.Request.Query["token"].FirstOrDefault();
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
    }

    private static Task Refuse(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync("missing or wrong access token: open the address batchgen review printed\n", http.RequestAborted);
    }

    private static void Map(WebApplication app, ReviewBatch batch, PairSelector selector)
    {
        app.MapGet("/", () => Results.Content(ReviewPage.Html, "text/html; charset=utf-8"));

        app.MapGet("/api/batch", async (CancellationToken ct) =>
        {
            var (jobs, dimensions) = await batch.ReadAsync(ct).ConfigureAwait(false);
            var ratings = batch.Store.ReadRatings();
            var checks = batch.Store.ReadChecks();
            return Results.Ok(new
            {
                batch.Name,
                Dimensions = dimensions.Select(d => new { Name = d, Values = jobs.Select(j => JobAxes.ValueOf(j, d)).Distinct(StringComparer.Ordinal).Order(JobAxes.ValueComparer).ToList() }),
                Jobs = jobs.Select(j => new
                {
                    j.Id,
                    State = LedgerValues.State(j.State),
                    Values = dimensions.ToDictionary(d => d, d => JobAxes.ValueOf(j, d), StringComparer.Ordinal),
                    Video = j.State == JobState.Succeeded && batch.VideoPath(j) is not null ? $"/media/{j.Id}" : null,
                    Flags = checks.GetValueOrDefault(j.Id)?.Check?.Flags ?? [],
                    CheckError = checks.GetValueOrDefault(j.Id)?.Error,
                }),
                Ratings = LatestPerRaterAndJob(ratings).Select(r => new { r.Rater, r.JobId, r.Stars, r.Rejected, r.Tags, r.Note }),
            });
        });

        app.MapGet("/api/pair", async (string axis, CancellationToken ct) =>
        {
            var (jobs, dimensions) = await batch.ReadAsync(ct).ConfigureAwait(false);
            if (!dimensions.Contains(axis, StringComparer.Ordinal))
            {
                return Results.BadRequest(new { Error = $"'{axis}' is not an axis of this batch; use one of: {string.Join(", ", dimensions)}" });
            }

            var pair = selector.Next(dimensions, jobs.Where(j => batch.VideoPath(j) is not null).ToList(), axis, batch.Store.ReadVotes());
            return pair is null
                ? Results.Ok(new { Axis = axis, Done = true, Message = $"no two videos differ in {axis} only" })
                : Results.Ok(new { Axis = axis, Done = false, Left = pair.Left.Id, Right = pair.Right.Id, pair.PriorVotes });
        });

        app.MapPost("/api/votes", async (VoteRequest request, CancellationToken ct) =>
        {
            var (jobs, dimensions) = await batch.ReadAsync(ct).ConfigureAwait(false);
            var byId = jobs.ToDictionary(j => j.Id, StringComparer.Ordinal);
            if (CheckName(request.Rater) is { } raterProblem)
            {
                return Results.BadRequest(new { Error = raterProblem });
            }

            if (request.LeftJobId is null || request.RightJobId is null || !byId.TryGetValue(request.LeftJobId, out var left) || !byId.TryGetValue(request.RightJobId, out var right) || left == right)
            {
                return Results.BadRequest(new { Error = "left_job_id and right_job_id must be two jobs of this batch" });
            }

            if (!VoteWinners.TryParse(request.Winner, out var winner))
            {
                return Results.BadRequest(new { Error = $"winner must be one of {string.Join(", ", VoteWinners.Names)}" });
            }

            var vote = batch.Store.AppendVote(request.Rater!.Trim(), PairSelector.DifferingAxis(dimensions, left, right), left.Id, right.Id, winner, "review");
            return Results.Created($"/api/votes/{vote.Seq}", new { vote.Seq, vote.Axis });
        });

        app.MapPost("/api/ratings", async (RatingRequest request, CancellationToken ct) =>
        {
            var (jobs, _) = await batch.ReadAsync(ct).ConfigureAwait(false);
            if (CheckName(request.Rater) is { } raterProblem)
            {
                return Results.BadRequest(new { Error = raterProblem });
            }

            if (request.JobId is null || !jobs.Any(j => j.Id == request.JobId))
            {
                return Results.BadRequest(new { Error = "job_id must be a job of this batch" });
            }

            if (request.Stars is < 1 or > 5)
            {
                return Results.BadRequest(new { Error = "stars must be 1 to 5 (or absent)" });
            }

            var tags = (request.Tags ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (tags.Any(t => CheckName(t) is not null || t.Contains(',', StringComparison.Ordinal)) || (request.Note?.Length ?? 0) > MaxNoteLength)
            {
                return Results.BadRequest(new { Error = $"tags are short words without commas; a note is at most {MaxNoteLength} characters" });
            }

            var rating = batch.Store.AppendRating(request.Rater!.Trim(), request.JobId, request.Stars, request.Rejected, tags, request.Note);
            return Results.Created($"/api/ratings/{rating.Seq}", new { rating.Seq });
        });

        app.MapGet("/api/ranking", async (CancellationToken ct) =>
        {
            var (jobs, dimensions) = await batch.ReadAsync(ct).ConfigureAwait(false);
            var ranking = ReviewRanking.Build(dimensions, jobs, batch.Store.ReadVotes(), batch.Store.ReadRatings());
            return Results.Ok(new { ranking.Verdicts, ranking.Rows, Votes = batch.Store.ReadVotes().Count });
        });

        app.MapGet("/media/{jobId}", async (string jobId, CancellationToken ct) =>
        {
            var (jobs, _) = await batch.ReadAsync(ct).ConfigureAwait(false);
            var job = jobs.FirstOrDefault(j => string.Equals(j.Id, jobId, StringComparison.Ordinal));
            var path = job is null ? null : batch.VideoPath(job);
            return path is null ? Results.NotFound() : Results.File(path, "video/mp4", enableRangeProcessing: true);
        });
    }

    private static string? CheckName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return "rater: enter your name first (votes and ratings record who cast them)";
        }

        return trimmed.Length > MaxNameLength || trimmed.Any(char.IsControl)
            ? $"rater: at most {MaxNameLength} printable characters"
            : null;
    }

    private static IEnumerable<Rating> LatestPerRaterAndJob(IReadOnlyList<Rating> ratings) =>
        ratings.GroupBy(r => (r.Rater, r.JobId)).Select(g => g.MaxBy(r => r.Seq)!);

    internal sealed record VoteRequest(string? LeftJobId, string? RightJobId, string? Winner, string? Rater);

    internal sealed record RatingRequest(string? JobId, int? Stars, bool Rejected, IReadOnlyList<string>? Tags, string? Note, string? Rater);
}

/// <summary>A review app start-up failure: one line, exit 2 or 5.</summary>
internal sealed class ReviewException(string message, Exception? inner = null) : Exception(message, inner);
