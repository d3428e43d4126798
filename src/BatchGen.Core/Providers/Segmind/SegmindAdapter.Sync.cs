using BatchGen.Core.Jobs;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.Segmind;

/// <summary>Segmind sync mode: <c>POST {base}/v1/pixverse-5-video</c> answers with the video bytes themselves.</summary>
internal sealed partial class SegmindAdapter
{
    private async Task<SubmitOutcome> SubmitSyncAsync(JobSpec job, CancellationToken cancellationToken)
    {
        var operation = $"sync submit of job {job.Id}";
        var uri = JsonBodies.Combine(settings.BaseUrl, $"v1/{model}");
        var request = ProviderTransport.JsonRequest(HttpMethod.Post, uri, SegmindRequest.Body(job.Parameters), job.Id);
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("video/mp4, application/octet-stream;q=0.9, */*;q=0.8");
        var sent = await transport.SendAsync(request, operation, isSubmit: true, cancellationToken);
        if (sent.Reply is not { } reply)
        {
            return new SubmitOutcome { Error = sent.Error };
        }

        var credits = Credits(reply);
        if (!reply.IsSuccess)
        {
            return new SubmitOutcome { Error = transport.Errors.FromHttp(reply, operation, isSubmit: true), HttpStatus = reply.Status, RemainingCredits = credits };
        }

        if (!LooksLikeVideo(reply))
        {
            // A 2xx body that is not a video: the call ran, so it may have been charged; never retried blindly.
            var reason = reply.Body.Length == 0 ? "an empty body instead of a video"
                : ErrorBodies.Message(reply.Body) ?? $"{reply.MediaType ?? "an untyped body"} instead of a video";
            var error = transport.Errors.Create(ErrorClass.Permanent, ErrorCodes.GenerationFailed, operation, reason) with
            {
                HttpStatus = reply.Status,
                MayHaveBeenAccepted = true,
            };
            return new SubmitOutcome { Error = error, HttpStatus = reply.Status, RemainingCredits = credits };
        }

        return new SubmitOutcome
        {
            State = RemoteState.Succeeded,
            InlineVideo = reply.Body,
            HttpStatus = reply.Status,
            RemainingCredits = credits,
        };
    }

    /// <summary>
    /// A video reply: not JSON or text (an <c>application/json</c> body is an error even with 200), not empty, and not
    /// starting like a JSON object when the content type is missing.
    /// </summary>
    internal static bool LooksLikeVideo(HttpReply reply)
    {
        if (reply.Body.Length == 0 || reply.IsJson)
        {
            return false;
        }

        if (reply.MediaType is { } type)
        {
            return !type.StartsWith("text/", StringComparison.OrdinalIgnoreCase);
        }

        return reply.Body[0] is not ((byte)'{' or (byte)'[');
    }
}
