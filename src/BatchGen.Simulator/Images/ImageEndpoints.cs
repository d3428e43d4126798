using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchGen.Simulator;

/// <summary>
/// <c>POST /uploads/pixwith</c>: the presigned-POST target <c>pre_url</c> hands out (multipart: every field, then
/// <c>file</c>; 204 when stored, S3-style XML errors otherwise). <c>GET|HEAD /cdn/pixwith/{token}/{name}</c>: the
/// CDN URL of an uploaded image.
/// </summary>
internal static class ImageEndpoints
{
    public const string UploadPath = "/uploads/pixwith";
    public const string CdnPath = "/cdn/pixwith/";

    public static void Map(IEndpointRouteBuilder app, SimState state)
    {
        app.MapPost(UploadPath, (HttpContext http) => UploadAsync(http, state));
        app.MapMethods(CdnPath + "{token}/{name}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http, string token, string name) => ServeAsync(http, state, $"{token}/{name}"));
    }

    private static async Task UploadAsync(HttpContext http, SimState state)
    {
        if (!http.Request.HasFormContentType)
        {
            await Xml(http, StatusCodes.Status400BadRequest, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.").ConfigureAwait(false);
            return;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var file = form.Files.GetFile("file");
        if (file is null)
        {
            await Xml(http, StatusCodes.Status400BadRequest, "InvalidArgument", "POST requires exactly one file upload per request.").ConfigureAwait(false);
            return;
        }

        var fields = form.Where(kv => kv.Key != "file").ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        await using (var stream = file.OpenReadStream())
        {
            await stream.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        }

        var refusal = state.Images.Store(fields, buffer.ToArray(), state.Now);
        if (refusal is not null)
        {
            var status = refusal == "EntityTooLarge" ? StatusCodes.Status400BadRequest : StatusCodes.Status403Forbidden;
            await Xml(http, status, refusal, "The upload was refused.").ConfigureAwait(false);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task ServeAsync(HttpContext http, SimState state, string key)
    {
        if (state.Images.Find(key) is not { } image)
        {
            await Xml(http, StatusCodes.Status404NotFound, "NoSuchKey", "The specified key does not exist.").ConfigureAwait(false);
            return;
        }

        http.Response.ContentType = image.ContentType;
        http.Response.ContentLength = image.Bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(image.Bytes, http.RequestAborted).ConfigureAwait(false);
        }
    }

    private static Task Xml(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/xml";
        return http.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>", http.RequestAborted);
    }
}
