namespace BatchGen.Core.Providers.Http;

/// <summary>The values of <see cref="ProviderError.Code"/>.</summary>
public static class ErrorCodes
{
    public const string RateLimited = "rate_limited";
    public const string ServerError = "server_error";
    public const string Timeout = "timeout";
    public const string Connection = "connection";
    public const string MalformedReply = "malformed_reply";
    public const string Validation = "validation";
    public const string Moderation = "moderation";
    public const string GenerationFailed = "generation_failed";
    public const string Expired = "expired";
    public const string Auth = "auth";
    public const string Credits = "credits";
    public const string NotFound = "not_found";

    /// <summary>The request could not be built (a header value, the body) and was never sent.</summary>
    public const string NotSent = "not_sent";
}
