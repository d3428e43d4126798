using System.Text.Json;
using BatchGen.Core.Providers.Http;

namespace BatchGen.Core.Providers.Pixwith;

/// <summary>
/// Pixwith's <c>{code, message, data}</c> envelope: code 1 = success, 0 = error (inside HTTP 200), 2 = auth failure.
/// An error is classified by its message: key and credit problems are account-level.
/// </summary>
internal static class PixwithEnvelope
{
    private static readonly string[] TransientWords = ["busy", "try again", "timeout", "timed out", "too many", "rate limit", "temporar"];
    private static readonly string[] LostWords = ["not found", "not exist", "no such"];

    /// <summary>The <c>data</c> object of a successful envelope, or the classified error.</summary>
    public static (JsonElement Data, ProviderError? Error) Open(JsonReply reply, ErrorClassifier errors, string operation, bool isSubmit)
    {
        if (reply.Error is { } error)
        {
            return (default, error);
        }

        var code = reply.Root.Text("code");
        var message = reply.Root.Text("message") ?? reply.Root.Text("msg");
        switch (code)
        {
            case "1":
                return reply.Root.Get("data") is { ValueKind: JsonValueKind.Object } data
                    ? (data, null)
                    : (default, errors.Malformed(operation, "code 1 without a data object", reply.Status, isSubmit));
            case "2":
                return (default, errors.Create(ErrorClass.Account, ErrorCodes.Auth, operation, $"code 2: {message ?? "authentication failed"}") with
                {
                    HttpStatus = reply.Status,
                });
            case null:
                return (default, errors.Malformed(operation, "the reply has no code", reply.Status, isSubmit));
            default:
                return (default, ClassifyError(errors, operation, reply.Status, message, isSubmit));
        }
    }

    private static ProviderError ClassifyError(ErrorClassifier errors, string operation, int? status, string? message, bool isSubmit)
    {
        var detail = $"code 0: {message ?? "no error message"}";
        if (Contains(message, TransientWords))
        {
            var code = message!.Contains("rate", StringComparison.OrdinalIgnoreCase) || message.Contains("many", StringComparison.OrdinalIgnoreCase)
                ? ErrorCodes.RateLimited
                : ErrorCodes.ServerError;
            return errors.Create(ErrorClass.Retryable, code, operation, detail) with { HttpStatus = status };
        }

        if (!isSubmit && Contains(message, LostWords))
        {
            return errors.Create(ErrorClass.Permanent, ErrorCodes.NotFound, operation, detail) with { HttpStatus = status };
        }

        // A rejected submit is a validation problem unless its wording says key or credits; a failed poll is retried.
        return isSubmit
            ? errors.FromMessage(detail, operation, status, ErrorClass.Permanent, ErrorCodes.Validation)
            : errors.FromMessage(detail, operation, status, ErrorClass.Retryable, ErrorCodes.ServerError);
    }

    private static bool Contains(string? text, string[] words) =>
        text is not null && words.Any(word => text.Contains(word, StringComparison.OrdinalIgnoreCase));
}
