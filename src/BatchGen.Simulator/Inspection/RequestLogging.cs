using Microsoft.AspNetCore.Http;

namespace BatchGen.Simulator;

/// <summary>Middleware: records every provider request (not /_sim, not downloads' bodies) into the ring buffer.</summary>
internal static class RequestLogging
{
    public static async Task InvokeAsync(HttpContext http, Func<Task> next, SimState state)
    {
        var path = http.Request.Path.Value ?? "/";
        if (path.StartsWith("/_sim", StringComparison.Ordinal))
        {
            await next().ConfigureAwait(false);
            return;
        }

        var segments = path.Split('/', 3, StringSplitOptions.RemoveEmptyEntries);
        var provider = segments.Length > 0 ? segments[0] : string.Empty;
        if (provider is "files" or "uploads" or "cdn" && segments.Length > 1)
        {
            provider = segments[1].Split('/')[0];
        }

        // Image uploads are multipart files read by their endpoint: not buffered here.
        var body = (HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method)) && provider != "uploads" && !path.StartsWith("/uploads/", StringComparison.Ordinal)
            ? await RequestBody.ReadAsync(http).ConfigureAwait(false)
            : [];
        var headers = new Dictionary<string, string>(http.Request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in http.Request.Headers)
        {
            headers[name] = RequestLog.IsSecretHeader(name) ? RequestLog.Redacted : value.ToString();
        }

        var entry = new LoggedRequest
        {
            Time = state.Now,
            Provider = provider,
            Method = http.Request.Method,
            Path = path + http.Request.QueryString.Value,
            Headers = headers,
            Body = RequestLog.BodyText(body),
        };
        state.Log.Add(entry);
        try
        {
            await next().ConfigureAwait(false);
        }
        finally
        {
            entry.Status = http.Response.StatusCode;
        }
    }
}
