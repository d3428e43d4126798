using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using BatchGen.Core.Manifests;
using BatchGen.Core.Manifests.Images;

namespace BatchGen.Core.Images;

/// <summary>
/// The remote half of the image pre-flight: each distinct <c>image_url</c> once, HEAD (falling back to a one-byte
/// ranged GET when HEAD is refused, fails or says nothing of the size), expecting 2xx, an image content type and a size
/// within the limits of every provider that will fetch it. A URL that answers badly is an error at the place it was
/// written. A URL that cannot be reached at all is an error when <see cref="Strict"/> (asked for with
/// <c>--check-images</c>), else a warning: this machine may not see what the provider sees.
/// </summary>
public sealed class RemoteImageCheck
{
    public const int Parallelism = 8;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;

    public RemoteImageCheck(HttpClient http) => _http = http;

    public bool Strict { get; init; }

    /// <summary>The problems found (errors and warnings), in the order the URLs were written.</summary>
    public async Task<(IReadOnlyList<Diagnostic> Errors, IReadOnlyList<Diagnostic> Warnings)> CheckAsync(RemoteImages images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        var list = images.All.ToList();
        var results = new (string? Error, string? Warning)[list.Count];
        await Parallel.ForAsync(0, list.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            results[i] = await CheckOneAsync(list[i], ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var errors = new List<Diagnostic>();
        var warnings = new List<Diagnostic>();
        for (var i = 0; i < list.Count; i++)
        {
            var image = list[i];
            if (results[i].Error is { } error)
            {
                errors.Add(new Diagnostic(image.File, image.Line, image.Column, "image_url", error));
            }
            else if (results[i].Warning is { } warning)
            {
                warnings.Add(new Diagnostic(image.File, image.Line, image.Column, "image_url", warning));
            }
        }

        return (errors, warnings);
    }

    private async Task<(string? Error, string? Warning)> CheckOneAsync(RemoteImage image, CancellationToken cancellationToken)
    {
        var shown = Shown(image.Url);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var (status, type, length) = await AskAsync(image.Url, HttpMethod.Head, timeout.Token).ConfigureAwait(false);
            if (status is < 200 or >= 300 || length is null)
            {
                (status, type, length) = await AskAsync(image.Url, HttpMethod.Get, timeout.Token).ConfigureAwait(false);
            }

            if (status is < 200 or >= 300)
            {
                return ($"{shown} answered HTTP {status.ToString(CultureInfo.InvariantCulture)}: the provider could not fetch the first frame", null);
            }

            if (type is null || !type.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            {
                return ($"{shown} is served as {type ?? "no content type"}, not an image", null);
            }

            foreach (var provider in image.Providers)
            {
                var limits = ImageLimits.For(provider);
                if (length is { } bytes && bytes > limits.MaxBytes)
                {
                    return ($"{shown} is {ImageLimits.Size(bytes)}, over {provider}'s limit of {ImageLimits.Size(limits.MaxBytes)}", null);
                }

                if (Format(type) is not { } format)
                {
                    return ($"{shown} is {type}, not a PNG, JPEG or WebP image", null);
                }

                if (!limits.Formats.Contains(format))
                {
                    return ($"{shown} is {type}, which {provider} does not take", null);
                }
            }

            return (null, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var what = ex is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s" : $"unreachable ({ex.Message})";
            var message = $"{shown} could not be checked: {what}";
            return Strict ? (message, null) : (null, message + "; the provider may still reach it");
        }
    }

    private async Task<(int Status, string? Type, long? Length)> AskAsync(string url, HttpMethod method, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (method == HttpMethod.Get)
        {
            request.Headers.Range = new RangeHeaderValue(0, 0);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var headers = response.Content.Headers;
        var length = response.StatusCode == HttpStatusCode.PartialContent ? headers.ContentRange?.Length : headers.ContentLength;
        return ((int)response.StatusCode, headers.ContentType?.MediaType, length);
    }

    private static ImageFormat? Format(string type) => type.ToLowerInvariant() switch
    {
        "image/png" => ImageFormat.Png,
        "image/jpeg" or "image/jpg" => ImageFormat.Jpeg,
        "image/webp" => ImageFormat.WebP,
        _ => null,
    };

    /// <summary>The URL without its query (a signed URL's token stays out of messages).</summary>
    private static string Shown(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        return "'" + (query < 0 ? url : url[..query] + "?...") + "'";
    }
}
