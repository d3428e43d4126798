using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Pipeline;

public sealed class ResilientProviderClientTests
{
    [Theory]
    [InlineData(ErrorClass.Retryable, false, 429, true)] // rate limited: certainly not accepted
    [InlineData(ErrorClass.Retryable, false, null, true)] // connection refused before sending
    [InlineData(ErrorClass.Retryable, true, 503, true)] // unavailable: the provider did not process it
    [InlineData(ErrorClass.Retryable, true, 500, false)] // other 5xx: the backend may have created the task
    [InlineData(ErrorClass.Retryable, true, 502, false)] // a gateway may answer after the backend accepted it
    [InlineData(ErrorClass.Retryable, true, null, false)] // timeout or reset after sending: may have been accepted
    [InlineData(ErrorClass.Retryable, true, 200, false)] // unreadable success reply: a task was probably created
    [InlineData(ErrorClass.Permanent, false, 400, false)] // validation: sending it again cannot help
    [InlineData(ErrorClass.Account, false, 401, false)]
    [InlineData(ErrorClass.Account, false, 402, false)]
    public void IsSafeToResubmit_Cases_OnlyWhenTheProviderCertainlyDidNotAccept(ErrorClass errorClass, bool mayHaveBeenAccepted, int? status, bool expected)
    {
        var error = new ProviderError(errorClass, "gmicloud submit: failed")
        {
            Code = "x",
            HttpStatus = status,
            MayHaveBeenAccepted = mayHaveBeenAccepted,
        };

        ResilientProviderClient.IsSafeToResubmit(error).ShouldBe(expected);
    }
}
