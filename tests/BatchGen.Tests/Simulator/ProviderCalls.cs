using System.Text.Json.Nodes;
using BatchGen.Core.Media;

namespace BatchGen.Tests.Simulator;

/// <summary>How a client reads each provider's replies: task ids, polls, result URLs. Kept deliberately literal.</summary>
internal static class ProviderCalls
{
    public static (string Name, string Value) Key(string provider, string key = "test-key") => provider switch
    {
        "magnific" => ("x-magnific-api-key", key),
        "gmicloud" or "aimlapi" => ("Authorization", "Bearer " + key),
        "pixwith" => ("Api-Key", key),
        _ => ("x-api-key", key),
    };

    public static string IdOf(string provider, JsonNode json) => provider switch
    {
        "magnific" => json["data"]!["task_id"]!.GetValue<string>(),
        "gmicloud" or "segmind" => json["request_id"]!.GetValue<string>(),
        "aimlapi" => json["id"]!.GetValue<string>(),
        _ => json["data"]!["task_id"]!.GetValue<string>(),
    };

    public static Task<(int Status, JsonNode? Json, HttpResponseMessage Response)> PollAsync(SimTestHost sim, string provider, string id, (string, string) key) =>
        provider switch
        {
            "magnific" => sim.GetAsync($"/magnific/v1/ai/image-to-video/pixverse-v5-5/{id}", key),
            "gmicloud" => sim.GetAsync($"/gmicloud/api/v1/ie/requestqueue/apikey/requests/{id}", key),
            "aimlapi" => sim.GetAsync($"/aimlapi/v2/video/generations?generation_id={Uri.EscapeDataString(id)}", key),
            "pixwith" => sim.PostAsync("/pixwith/api/task/get", new { task_id = id }, key),
            _ => sim.GetAsync($"/segmind/v2/requests/{id}", key),
        };

    /// <summary>The provider's own status text or number.</summary>
    public static string StatusOf(string provider, JsonNode json) => provider switch
    {
        "magnific" => json["data"]!["status"]!.GetValue<string>(),
        "pixwith" => json["data"]!["status"]!.ToJsonString(),
        _ => json["status"]!.GetValue<string>(),
    };

    public static string? ResultUrl(string provider, JsonNode json) => provider switch
    {
        "magnific" => json["data"]!["generated"]!.AsArray().FirstOrDefault()?.GetValue<string>(),
        "gmicloud" => json["outcome"]?["media_urls"]?[0]?["url"]?.GetValue<string>(),
        "aimlapi" => json["video"]?["url"]?.GetValue<string>(),
        "pixwith" => json["data"]!["result_urls"]!.AsArray().FirstOrDefault()?.GetValue<string>(),
        _ => json["output"]?.GetValue<string>(),
    };

    public static async Task<Mp4Info> DownloadAndProbeAsync(SimTestHost sim, string url)
    {
        var bytes = await sim.Client.GetByteArrayAsync(new Uri(url));
        using var stream = new MemoryStream(bytes);
        var (info, error) = await Mp4Probe.ProbeAsync(stream, CancellationToken.None);
        error.ShouldBeNull();
        return info!;
    }
}
