using System.Text.Json;

namespace BatchGen.Simulator;

/// <summary>
/// At submit, the first-frame URL the request carries must resolve, as the real provider would fetch it: a URL of
/// this simulator's own Pixwith CDN must name uploaded bytes, and a loopback URL (an S3-compatible server in tests)
/// must answer GET with an image. Other hosts are not fetched (the simulator has no internet) and are accepted.
/// </summary>
internal static class ImageUrlCheck
{
    /// <summary>The problem with the request's image URL, or null when it resolves (or is not checked).</summary>
    public static async Task<FieldProblem?> ProblemAsync(RequestContext ctx, SimState state, CancellationToken cancellationToken)
    {
        if (ctx.Json is not { ValueKind: JsonValueKind.Object } body || Find(body) is not { } found)
        {
            return null;
        }

        var (field, url) = found;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null; // the provider's own field rules report it
        }

        if (url.StartsWith(state.PublicOrigin + ImageEndpoints.CdnPath, StringComparison.Ordinal))
        {
            var key = uri.AbsolutePath[ImageEndpoints.CdnPath.Length..];
            return state.Images.Find(Uri.UnescapeDataString(key)) is null ? new FieldProblem(field, "Invalid image url (no uploaded image at this URL)") : null;
        }

        if (!uri.IsLoopback)
        {
            return null;
        }

        try
        {
            using var response = await state.Images.Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new FieldProblem(field, $"Invalid image url (fetching it answered HTTP {(int)response.StatusCode})");
            }

            var type = response.Content.Headers.ContentType?.MediaType;
            return type is not null && !type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && type != "application/octet-stream"
                ? new FieldProblem(field, $"Invalid image format (fetched content type {type})")
                : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new FieldProblem(field, $"Invalid image url (could not be fetched: {(ex as HttpRequestException)?.HttpRequestError.ToString() ?? "timeout"})");
        }
    }

    /// <summary><c>image_url</c> or the first of <c>image_urls</c>, at the top level or one object down (GMI's payload).</summary>
    private static (string Field, string Url)? Find(JsonElement body, int depth = 0)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name == "image_url" && property.Value.ValueKind == JsonValueKind.String)
            {
                return (property.Name, property.Value.GetString()!);
            }

            if (property.Name == "image_urls" && property.Value is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() > 0 && list[0].ValueKind == JsonValueKind.String)
            {
                return (property.Name, list[0].GetString()!);
            }
        }

        foreach (var property in body.EnumerateObject())
        {
            if (depth == 0 && property.Value.ValueKind == JsonValueKind.Object && Find(property.Value, 1) is { } nested)
            {
                return ($"{property.Name}.{nested.Field}", nested.Url);
            }
        }

        return null;
    }
}
