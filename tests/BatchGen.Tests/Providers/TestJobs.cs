using BatchGen.Core.Jobs;

namespace BatchGen.Tests.Providers;

/// <summary>Jobs for adapter tests.</summary>
internal static class TestJobs
{
    public const string ApiKey = "SECRET_key_0123456789abcdef";

    public static JobParameters Parameters(Func<JobParameters, JobParameters>? change = null)
    {
        var parameters = new JobParameters
        {
            Prompt = "A cat walks toward the camera",
            ImageUrl = "https://images.example.com/cat.png",
            Duration = 5,
            Resolution = "720p",
            AspectRatio = "16:9",
        };
        return change is null ? parameters : change(parameters);
    }

    public static JobSpec Job(string provider, Func<JobParameters, JobParameters>? change = null) => new()
    {
        Id = "0123456789abcdef",
        Provider = provider,
        Parameters = Parameters(change),
        Axes = [],
        OutputPath = "out/cat.mp4",
    };
}
