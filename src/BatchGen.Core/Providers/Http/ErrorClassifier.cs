using System.Globalization;

namespace BatchGen.Core.Providers.Http;

/// <summary>
/// Turns HTTP statuses, provider messages, task failures and transport exceptions into one-line
/// <see cref="ProviderError"/>s that name the provider and say how to fix the problem. The API key is redacted
/// from every message; raw bodies never go in.
/// </summary>
internal sealed class ErrorClassifier
{
    private static readonly string[] CreditWords = ["credit", "balance", "insufficient fund", "payment required", "top up", "recharge"];
    private static readonly string[] AuthWords = ["api key", "apikey", "api-key", "unauthorized", "unauthorised", "authentication", "forbidden"];
    private static readonly string[] ModerationWords = ["moderat", "nsfw", "sensitive", "content policy", "inappropriate", "safety", "violat"];

    private readonly string provider;
    private readonly string apiKey;
    private readonly string apiKeyEnv;
    private readonly TimeProvider timeProvider;
    private readonly IReadOnlySet<int> creditStatuses;

    public ErrorClassifier(ProviderSettings settings, string apiKey, TimeProvider timeProvider, IReadOnlySet<int>? creditStatuses = null)
    {
        provider = settings.Name;
        this.apiKey = apiKey;
        apiKeyEnv = settings.ApiKeyEnv;
        this.timeProvider = timeProvider;
        this.creditStatuses = creditStatuses ?? new HashSet<int> { 402 };
    }

    /// <summary>Classifies a non-2xx reply; <paramref name="operation"/> is e.g. "submit" or "poll of task X".</summary>
    public ProviderError FromHttp(HttpReply reply, string operation, bool isSubmit)
    {
        var message = ErrorBodies.Message(reply.Body) ?? ReasonPhrase(reply.Status);
        var (errorClass, code) = ClassifyStatus(reply.Status, message);
        var retryAfter = errorClass == ErrorClass.Retryable ? RetryAfterParser.FromHeaders(reply, timeProvider.GetUtcNow()) : null;
        var detail = $"HTTP {reply.Status.ToString(CultureInfo.InvariantCulture)}: {message}";
        return Create(errorClass, code, operation, detail, retryAfter) with
        {
            HttpStatus = reply.Status,
            MayHaveBeenAccepted = isSubmit && reply.Status >= 500,
        };
    }

    /// <summary>Classifies an error the provider reported in a 2xx body (Pixwith's code 0, say) by its wording.</summary>
    public ProviderError FromMessage(string? message, string operation, int? status, ErrorClass fallback, string fallbackCode)
    {
        var (errorClass, code) = ContainsAny(message, CreditWords) ? (ErrorClass.Account, ErrorCodes.Credits)
            : ContainsAny(message, AuthWords) ? (ErrorClass.Account, ErrorCodes.Auth)
            : ContainsAny(message, ModerationWords) ? (ErrorClass.Permanent, ErrorCodes.Moderation)
            : (fallback, fallbackCode);
        return Create(errorClass, code, operation, message ?? "no error message") with { HttpStatus = status };
    }

    /// <summary>A task the provider accepted and then failed (status failed/error/FAILED).</summary>
    public ProviderError TaskFailed(string taskId, string? reason, int? status)
    {
        var code = ContainsAny(reason, ModerationWords) ? ErrorCodes.Moderation : ErrorCodes.GenerationFailed;
        return Create(ErrorClass.Permanent, code, $"task {taskId}", $"failed: {reason ?? "no reason given"}") with { HttpStatus = status };
    }

    /// <summary>A reply that could not be understood (not JSON, required field missing).</summary>
    public ProviderError Malformed(string operation, string what, int? status, bool isSubmit) =>
        Create(ErrorClass.Retryable, ErrorCodes.MalformedReply, operation, what) with
        {
            HttpStatus = status,
            MayHaveBeenAccepted = isSubmit,
        };

    /// <summary>The request did not complete: a timeout that the caller did not ask for.</summary>
    public ProviderError Timeout(string operation, bool isSubmit) =>
        Create(ErrorClass.Retryable, ErrorCodes.Timeout, operation, "no reply before the timeout") with { MayHaveBeenAccepted = isSubmit };

    /// <summary>The connection failed or was reset.</summary>
    public ProviderError Connection(string operation, Exception exception, bool isSubmit)
    {
        var neverSent = exception is HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
        };
        return Create(ErrorClass.Retryable, ErrorCodes.Connection, operation, $"connection failed: {exception.Message}") with
        {
            MayHaveBeenAccepted = isSubmit && !neverSent,
        };
    }

    /// <summary>
    /// The request was never sent: a header could not be formed from the API key (an account problem: the provider is
    /// blocked until the variable is fixed), or the request could not be built. Never ambiguous.
    /// </summary>
    public ProviderError NotSent(string operation, string detail, bool keyProblem) =>
        Create(keyProblem ? ErrorClass.Account : ErrorClass.Permanent, keyProblem ? ErrorCodes.Auth : ErrorCodes.NotSent, operation, detail) with
        {
            MayHaveBeenAccepted = false,
        };

    public ProviderError Create(ErrorClass errorClass, string code, string operation, string detail, TimeSpan? retryAfter = null)
    {
        var text = $"{provider} {operation}: {SafeText.OneLine(detail, apiKey)}{Hint(code, retryAfter)}";
        return new ProviderError(errorClass, SafeText.OneLine(text, apiKey)) { Code = code, RetryAfter = retryAfter };
    }

    private (ErrorClass Class, string Code) ClassifyStatus(int status, string message)
    {
        if (creditStatuses.Contains(status) || (status is >= 400 and < 500 && ContainsAny(message, CreditWords)))
        {
            return (ErrorClass.Account, ErrorCodes.Credits);
        }

        return status switch
        {
            429 => (ErrorClass.Retryable, ErrorCodes.RateLimited),
            401 or 403 => (ErrorClass.Account, ErrorCodes.Auth),
            404 => (ErrorClass.Permanent, ErrorCodes.NotFound),
            408 or 504 => (ErrorClass.Retryable, ErrorCodes.Timeout),
            410 => (ErrorClass.Permanent, ErrorCodes.Expired),
            >= 400 and < 500 when ContainsAny(message, ModerationWords) => (ErrorClass.Permanent, ErrorCodes.Moderation),
            >= 400 and < 500 => (ErrorClass.Permanent, ErrorCodes.Validation),
            >= 500 => (ErrorClass.Retryable, ErrorCodes.ServerError),
            _ => (ErrorClass.Retryable, ErrorCodes.MalformedReply),
        };
    }

    private string Hint(string code, TimeSpan? retryAfter) => code switch
    {
        ErrorCodes.Auth => $" (check the API key in {apiKeyEnv})",
        ErrorCodes.Credits => " (top up the account; this provider's remaining jobs stay pending)",
        ErrorCodes.RateLimited when retryAfter is { } delay =>
            $" (retry after {Math.Ceiling(delay.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s)",
        ErrorCodes.RateLimited => " (slow down and retry)",
        ErrorCodes.Validation => " (fix the job parameters)",
        ErrorCodes.Expired => " (expired: the provider no longer keeps this task)",
        _ => string.Empty,
    };

    private static bool ContainsAny(string? text, string[] words) =>
        text is not null && words.Any(word => text.Contains(word, StringComparison.OrdinalIgnoreCase));

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        410 => "Gone",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "no error message",
    };
}
