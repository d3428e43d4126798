using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>The request body, read once by the logging middleware and shared with the handler.</summary>
internal static class RequestBody
{
    private const string ItemKey = "batchgen.sim.body";
    private const int MaxBytes = 4 * 1024 * 1024;

    public static async Task<byte[]> ReadAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var cached) && cached is byte[] bytes)
        {
            return bytes;
        }

        if (http.Request.ContentLength == 0
            || (http.Request.ContentLength is null && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))))
        {
            http.Items[ItemKey] = Array.Empty<byte>();
            return [];
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                break;
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), http.RequestAborted).ConfigureAwait(false);
        }

        var body = buffer.ToArray();
        http.Items[ItemKey] = body;
        return body;
    }
}
