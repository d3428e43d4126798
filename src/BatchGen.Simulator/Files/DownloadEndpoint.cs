using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace BatchGen.Simulator;

/// <summary>
/// <c>GET|HEAD /files/{provider}/{token}.mp4</c>: result files behind signed, expiring URLs. Answers single byte ranges
/// (206 with Content-Range, 416 when unsatisfiable); a bad signature or an expired URL gives 403, an unknown task 404.
/// </summary>
internal static class DownloadEndpoint
{
    public static void Map(IEndpointRouteBuilder app, SimState state)
    {
        app.MapMethods("/files/{provider}/{file}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http, string provider, string file) =>
            ServeAsync(http, state, provider, file));
    }

    private static async Task ServeAsync(HttpContext http, SimState state, string providerName, string file)
    {
        if (!state.Providers.TryGetValue(providerName, out var provider) || !file.EndsWith(".mp4", StringComparison.Ordinal))
        {
            await Xml(http, StatusCodes.Status404NotFound, "NoSuchKey", "The specified key does not exist.").ConfigureAwait(false);
            return;
        }

        var claim = state.Tokens.Read(providerName, file[..^4]);
        if (claim is null)
        {
            await Xml(http, StatusCodes.Status403Forbidden, "SignatureDoesNotMatch", "The request signature does not match.").ConfigureAwait(false);
            return;
        }

        var task = provider.Find(claim.TaskId);
        if (task is null || claim.Index >= task.Outputs)
        {
            provider.Counters.Count(Counter.NotFound);
            await Xml(http, StatusCodes.Status404NotFound, "NoSuchKey", "The specified key does not exist.").ConfigureAwait(false);
            return;
        }

        if (state.Now >= claim.ExpiresAt)
        {
            provider.Counters.Count(Counter.ExpiredUrl);
            await Xml(http, StatusCodes.Status403Forbidden, "AccessDenied", "Request has expired.").ConfigureAwait(false);
            return;
        }

        var isGet = !HttpMethods.IsHead(http.Request.Method);
        var attempt = isGet ? task.NextDownload() : 0;
        var damage = isGet ? Damage(state, provider, task, attempt) : Mp4Damage.None;
        var content = VideoContent.For(provider, task, claim.Index, damage);
        var length = content.Length;
        var response = http.Response;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.ETag = $"\"{task.Id}-{claim.Index}\"";
        response.Headers.LastModified = task.FinishedAt.ToString("R", CultureInfo.InvariantCulture);
        response.ContentType = "video/mp4";

        long start = 0;
        var count = length;
        var rangeHeader = http.Request.Headers.Range.ToString();
        if (rangeHeader.Length > 0)
        {
            var range = ParseRange(rangeHeader, length);
            if (range is null)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{length}";
                response.ContentLength = 0;
                return;
            }

            (start, count) = range.Value;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {start}-{start + count - 1}/{length}";
        }

        response.ContentLength = count;
        if (!isGet)
        {
            return;
        }

        provider.Counters.Count(Counter.Download);
        if (damage != Mp4Damage.None)
        {
            provider.Counters.Count(Counter.DamagedVideo);
        }

        var truncated = Deterministic.Unit(state.Seed, providerName, task.Id, (attempt * 16L) + claim.Index, "truncate")
            < provider.Scenario.Faults.TruncatedDownload;
        if (truncated && count > 1)
        {
            provider.Counters.Count(Counter.TruncatedDownload);
            await content.WriteAsync(response.Body, start, count / 2, http.RequestAborted).ConfigureAwait(false);
            await response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            provider.Counters.Count(Counter.DownloadedBytes, count / 2);
            http.Abort();
            return;
        }

        await content.WriteAsync(response.Body, start, count, http.RequestAborted).ConfigureAwait(false);
        provider.Counters.Count(Counter.DownloadedBytes, count);
    }

    /// <summary>The first download of a task may serve a damaged file (fault injection); later ones never do.</summary>
    private static Mp4Damage Damage(SimState state, ProviderRuntime provider, SimTask task, int attempt)
    {
        if (attempt != 1)
        {
            return Mp4Damage.None;
        }

        var f = provider.Scenario.Faults;
        var draw = Deterministic.Unit(state.Seed, provider.Name, task.Id, 0, "damaged-video");
        return draw < f.VideoNoSamples ? Mp4Damage.NoSamples
            : draw < f.VideoNoSamples + f.VideoTruncatedMdat ? Mp4Damage.TruncatedMdat
            : draw < f.VideoNoSamples + f.VideoTruncatedMdat + f.VideoBrokenChunkOffset ? Mp4Damage.BrokenChunkOffset
            : Mp4Damage.None;
    }

    /// <summary>One range of <c>bytes=a-b</c>, <c>bytes=a-</c> or <c>bytes=-n</c>; null when unsatisfiable or not understood.</summary>
    internal static (long Start, long Count)? ParseRange(string header, long length)
    {
        if (!RangeHeaderValue.TryParse(header, out var parsed)
            || !string.Equals(parsed.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase)
            || parsed.Ranges.Count != 1)
        {
            return null;
        }

        var r = parsed.Ranges.First();
        long start;
        long end;
        if (r.From is null)
        {
            if (r.To is null or 0)
            {
                return null;
            }

            start = Math.Max(0, length - r.To.Value);
            end = length - 1;
        }
        else
        {
            start = r.From.Value;
            end = Math.Min(r.To ?? (length - 1), length - 1);
        }

        if (start >= length || end < start)
        {
            return null;
        }

        return (start, end - start + 1);
    }

    private static async Task Xml(HttpContext http, int status, string code, string message)
    {
        var body = System.Text.Encoding.UTF8.GetBytes($"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message></Error>");
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/xml; charset=UTF-8";
        http.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
        }
    }
}
