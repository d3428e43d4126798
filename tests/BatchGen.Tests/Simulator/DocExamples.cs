namespace BatchGen.Tests.Simulator;

/// <summary>One request exactly as a provider's documentation page shows it (curl, Python, JavaScript or JSON sample).</summary>
public sealed record DocExample(string Name, string Provider, string Method, string Path, string? Body, params (string Name, string Value)[] Headers)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every example request of /work/shared/providers/*.txt and RESEARCH.md, with the doc's own placeholder keys, replayed
/// against the simulator by <see cref="DocExamplesTests"/>.
/// </summary>
public static class DocExamples
{
    public static readonly DocExample MagnificCurlSubmit = new(
        "magnific curl POST pixverse-v5-5", "magnific", "POST", "/v1/ai/image-to-video/pixverse-v5-5",
        """
        {
          "prompt": "<string>",
          "image_url": "<string>",
          "aspect_ratio": "widescreen_16_9",
          "duration": 5,
          "negative_prompt": "",
          "style": "anime",
          "seed": 123,
          "generate_audio_switch": false,
          "generate_multi_clip_switch": false,
          "thinking_type": "enabled",
          "webhook_url": "https://www.example.com/webhook"
        }
        """,
        ("Content-Type", "application/json"), ("x-magnific-api-key", "<api-key>"));

    public static readonly DocExample GmiCurlSubmit = new(
        "gmicloud curl POST requests", "gmicloud", "POST", "/api/v1/ie/requestqueue/apikey/requests",
        """
        {
            "model": "pixverse-v5.5-i2v",
            "payload": {
              "image_url": "https://example.com/source_image.jpg",
              "prompt": "The character turns their head and smiles, cinematic lighting",
              "negative_prompt": "distorted face, static, morphing",
              "duration": "5",
              "aspect_ratio": "16:9",
              "quality": "1080p",
              "style": "none",
              "thinking_type": "auto",
              "generate_audio_switch": true,
              "generate_multi_clip_switch": true
            }
          }
        """,
        ("Authorization", "Bearer YOUR_API_KEY"), ("Content-Type", "application/json"));

    public static readonly DocExample AimlPythonSubmit = new(
        "aimlapi python POST generations", "aimlapi", "POST", "/v2/video/generations",
        """
        {"model": "pixverse/v5-5-image-to-video", "prompt": "Mona Lisa puts on glasses with her hands.", "image_url": "https://s2-111386.kwimgs.com/bs2/mmu-aiplatform-temp/kling/20240620/1.jpeg"}
        """,
        ("Authorization", "Bearer <YOUR_AIMLAPI_KEY>"));

    public static readonly DocExample AimlJavaScriptSubmit = new(
        "aimlapi javascript POST generations", "aimlapi", "POST", "/v2/video/generations",
        """
        {"model":"pixverse/v5-5-image-to-video","prompt":"Mona Lisa puts on glasses with her hands.","image_url":"https://s2-111386.kwimgs.com/bs2/mmu-aiplatform-temp/kling/20240620/1.jpeg","duration":5}
        """,
        ("Authorization", "Bearer <YOUR_AIMLAPI_KEY>"), ("Content-Type", "application/json"));

    public static readonly DocExample AimlOpenApiModelSubmit = new(
        "aimlapi openapi model id", "aimlapi", "POST", "/v2/video/generations",
        """
        {"model": "pixverse/v5.5/image-to-video", "prompt": "Mona Lisa puts on glasses with her hands.", "image_url": "https://s2-111386.kwimgs.com/bs2/mmu-aiplatform-temp/kling/20240620/1.jpeg", "resolution": "720p", "duration": 5}
        """,
        ("Authorization", "Bearer <YOUR_AIMLAPI_KEY>"), ("Content-Type", "application/json"));

    public static readonly DocExample PixwithTextToVideo = new(
        "pixwith text-to-video create", "pixwith", "POST", "/api/task/create",
        """
        {
        "prompt": "A cinematic shot of a cat walking through a beautiful garden",
        "model_id": "2-27",
        "options": {
        "prompt_optimization": true,
        "num_outputs": 1,
        "resolution": "720p",
        "aspect_ratio": "16:9",
        "duration": 5
        }
        }
        """,
        ("Content-Type", "application/json"), ("Api-Key", "key_00000000000000000000000000000000"));

    public static readonly DocExample PixwithImageToVideo = new(
        "pixwith image-to-video create", "pixwith", "POST", "/api/task/create",
        """
        {
        "prompt": "The cat starts walking towards the camera with smooth motion",
        "image_urls": [
        "https://cdn.pixwith.ai/images/cf0ddb5ad6a0f0c85ab4d1dceb9fd89c_0.jpeg"
        ],
        "model_id": "2-27",
        "options": {
        "prompt_optimization": true,
        "num_outputs": 1,
        "resolution": "720p",
        "aspect_ratio": "16:9",
        "duration": 5
        }
        }
        """,
        ("Content-Type", "application/json"), ("Api-Key", "key_00000000000000000000000000000000"));

    public static readonly DocExample PixwithGetCredits = new(
        "pixwith get_credits", "pixwith", "POST", "/api/task/get_credits", "{}",
        ("Content-Type", "application/json"), ("Api-Key", "key_00000000000000000000000000000000"));

    private const string SegmindBody = """
        {
         "image_url": "https://segmind-resources.s3.amazonaws.com/input/c120a212-fd53-4801-89c5-d6ea76b07c7d-afa5eb25-9256-443a-bf91-d825872f1118.png",
         "duration": 5,
         "prompt": "A teenage girl sitting on a rooftop at sunset, holding a guitar on her lap, golden light reflecting on her face, cinematic medium shot, soft wind moving her hair, ultra realistic details, atmosphere of youth, creativity, and inspiration.",
         "negative_prompt": "No sudden movements, no fast zooms.",
         "quality": "540p",
         "seed": 56698,
         "motion_mode": "normal",
         "aspect_ratio": "16:9",
         "sound_effect_switch": true,
         "lip_sync_switch": false
        }
        """;

    public static readonly DocExample SegmindPythonSync = new(
        "segmind python POST v1 (sync)", "segmind", "POST", "/v1/pixverse-5-video", SegmindBody,
        ("x-api-key", "YOUR_API_KEY"), ("Content-Type", "application/json"));

    public static readonly DocExample SegmindAsyncSubmit = new(
        "segmind POST v2 (async, same body)", "segmind", "POST", "/v2/pixverse-5-video", SegmindBody,
        ("x-api-key", "YOUR_API_KEY"), ("Content-Type", "application/json"));

    public static readonly DocExample SegmindCredits = new(
        "segmind get-user-credits", "segmind", "GET", "/v1/get-user-credits", null, ("x-api-key", "YOUR_API_KEY"));

    /// <summary>Every submit example: each must be accepted as written and produce a task.</summary>
    public static IEnumerable<object[]> Submits() =>
        new[] { MagnificCurlSubmit, GmiCurlSubmit, AimlPythonSubmit, AimlJavaScriptSubmit, AimlOpenApiModelSubmit, PixwithTextToVideo, PixwithImageToVideo, SegmindAsyncSubmit }
            .Select(e => new object[] { e });
}
