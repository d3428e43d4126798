using System.Net.Http.Headers;

namespace BatchGen.Core.Providers.Http;

/// <summary>A fully read HTTP response: status, media type, headers (first value, case-insensitive) and body.</summary>
internal sealed record HttpReply(int Status, string? MediaType, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The <c>Retry-After</c> header as the framework parsed it (null when absent or malformed).</summary>
    public RetryConditionHeaderValue? RetryAfter { get; init; }

    public bool IsSuccess => Status is >= 200 and < 300;

    public bool IsJson => MediaType is not null
        && (MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>Either a reply (any status) or a transport failure already classified.</summary>
internal sealed record SendResult(HttpReply? Reply, ProviderError? Error);
