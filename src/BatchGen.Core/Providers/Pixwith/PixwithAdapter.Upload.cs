using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchGen.Core.Images;
using BatchGen.Core.Ledger;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.Pixwith;

/// <summary>
/// Pixwith's own image upload: <c>POST {base}/api/task/pre_url</c> <c>{image_name, content_type}</c> answers an S3
/// presigned POST (<c>data.upload_url{url, fields}</c>, valid 10 minutes) and the CDN URL to pass in
/// <c>image_urls</c> (<c>data.image_url</c>). The file goes as a multipart POST of every field, then <c>file</c>,
/// to the presigned URL, without the API key. JPEG and PNG only.
/// </summary>
internal sealed partial class PixwithAdapter : IImageUploader
{
    /// <summary>
    /// How long an uploaded image's CDN URL is trusted. Pixwith documents no lifetime; a day is assumed, after which
    /// the image is uploaded again before a submit that needs it.
    /// </summary>
    public static readonly TimeSpan ImageUrlLifetime = TimeSpan.FromHours(24);

    public string Scope => Jobs.ProviderNames.Pixwith;

    public async Task<ImageUploadOutcome> UploadAsync(LocalImage image, ReadOnlyMemory<byte> bytes, Func<ImageUploadOutcome, Task> beforeTransfer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(beforeTransfer);
        var operation = $"upload of image {image.Display}";
        var info = image.Info;
        if (info is null || info.Format == ImageFormat.WebP)
        {
            return ImageUploadOutcome.Failed(transport.Errors.Create(ErrorClass.Permanent, "image_upload", operation, "Pixwith takes JPEG or PNG images only"));
        }

        var name = $"{image.Sha256}.{info.Extension}";
        var body = new JsonObject { ["image_name"] = name, ["content_type"] = info.ContentType };
        var reply = await transport.SendJsonAsync(ProviderTransport.JsonRequest(HttpMethod.Post, preUrlUri, body, null), operation, false, cancellationToken);
        var (data, error) = PixwithEnvelope.Open(reply, transport.Errors, operation, isSubmit: false);
        if (error is not null)
        {
            return ImageUploadOutcome.Failed(error);
        }

        var target = JsonReading.AbsoluteUrl(data.Text("upload_url", "url"));
        var imageUrl = JsonReading.AbsoluteUrl(data.Text("image_url"));
        if (target is null || imageUrl is null || data.Get("upload_url", "fields") is not { ValueKind: JsonValueKind.Object } fields)
        {
            return ImageUploadOutcome.Failed(transport.Errors.Malformed(operation, "the reply has no data.upload_url{url,fields} or data.image_url", reply.Status, isSubmit: false));
        }

        var done = new ImageUploadOutcome(imageUrl.AbsoluteUri, time.GetUtcNow() + ImageUrlLifetime, null);
        await beforeTransfer(done).ConfigureAwait(false);
        using var form = new MultipartFormDataContent();
        foreach (var field in fields.EnumerateObject())
        {
            form.Add(new StringContent(JsonReading.ScalarText(field.Value) ?? string.Empty), field.Name);
        }

        var file = new ReadOnlyMemoryContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(info.ContentType);
        form.Add(file, "file", name);
        try
        {
            // The presigned POST goes to the storage host: no API key on it.
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = form };
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or >= 300)
            {
                var kind = status is 408 or 429 or >= 500 ? ErrorClass.Retryable : ErrorClass.Permanent;
                return ImageUploadOutcome.Failed(transport.Errors.Create(kind, "image_upload", operation, $"the storage refused the upload (HTTP {status})") with { HttpStatus = status });
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ImageUploadOutcome.Failed(transport.Errors.Connection(operation, ex, isSubmit: false));
        }

        return done;
    }

    /// <summary>The CDN URL of an interrupted upload answers 200 with the expected size (a plain GET, no key).</summary>
    public async Task<bool> ArrivedAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, upload.Url);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode && (response.Content.Headers.ContentLength ?? upload.Bytes) == upload.Bytes;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    public string UrlFor(UploadRecord upload, TimeSpan validFor)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return upload.Url;
    }
}
