using BatchGen.Core.Pipeline;
using BatchGen.Core.Providers;

namespace BatchGen.Tests.Pipeline;

public sealed class ResilientProviderClientTests
{
    [Theory]
    [InlineData(ErrorClass.Retryable, false, 429, true)] // rate limited: certainly not accepted
    [InlineData(ErrorClass.Retryable, false, null, true)] // connection refused before sending
    [InlineData(ErrorClass.Retryable, true, 500, true)] // a 5xx error reply: the provider reports a failure
    [InlineData(ErrorClass.Retryable, true, 503, true)]
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
