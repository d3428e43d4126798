using BatchGen.Simulator;

namespace BatchGen.Tests.Simulator;

/// <summary>Each provider's auth, validation, not-found, credits and concurrency errors, in its own shape and code.</summary>
public sealed class ErrorShapesTests
{
    private const string MagnificPath = "/magnific/v1/ai/image-to-video/pixverse-v5-5";
    private const string GmiPath = "/gmicloud/api/v1/ie/requestqueue/apikey/requests";
    private const string AimlPath = "/aimlapi/v2/video/generations";

    private static object MagnificBody(string resolution = "720p", int duration = 5) =>
        new { prompt = "p", image_url = "https://example.com/a.png", resolution, duration };

    [Fact]
    public async Task Magnific_MissingKey_Returns401MissingApiKey()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.PostAsync(MagnificPath, MagnificBody());
        status.ShouldBe(401);
        json!["message"]!.GetValue<string>().ShouldBe("Missing API key");
    }

    [Fact]
    public async Task Magnific_BearerToken_IsNotAccepted()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, _, _) = await sim.PostAsync(MagnificPath, MagnificBody(), ("Authorization", "Bearer k"));
        status.ShouldBe(401);
    }

    [Fact]
    public async Task Magnific_KeyNotListedInScenario_Returns401InvalidApiKey()
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers["magnific"].ApiKeys = ["good"]);
        var (bad, json, _) = await sim.PostAsync(MagnificPath, MagnificBody(), ("x-magnific-api-key", "bad"));
        var (good, _, _) = await sim.PostAsync(MagnificPath, MagnificBody(), ("x-magnific-api-key", "good"));
        bad.ShouldBe(401);
        json!["message"]!.GetValue<string>().ShouldBe("Invalid API key");
        good.ShouldBe(200);
    }

    [Fact]
    public async Task Magnific_TenSecondsAt1080p_Returns400WithInvalidParams()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, response) = await sim.PostAsync(MagnificPath, MagnificBody("1080p", 10), ("x-magnific-api-key", "k"));
        status.ShouldBe(400);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        json!["invalid_params"]![0]!["name"]!.GetValue<string>().ShouldBe("duration");
    }

    [Theory]
    [InlineData("""{"prompt":"p","image_url":"https://x/a.png","aspect_ratio":"cinema_21_9"}""", "aspect_ratio")]
    [InlineData("""{"prompt":"p","image_url":"https://x/a.png","camera_movement":"spin"}""", "camera_movement")]
    [InlineData("""{"image_url":"https://x/a.png"}""", "prompt")]
    [InlineData("""{"prompt":"p","image_url":"https://x/a.png","duration":"5"}""", "duration")]
    public async Task Magnific_InvalidField_IsNamed(string body, string field)
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.PostAsync(MagnificPath, body, ("x-magnific-api-key", "k"));
        status.ShouldBe(400);
        json!["invalid_params"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldContain(field);
    }

    [Fact]
    public async Task Magnific_UnknownTask_Returns404()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.GetAsync(MagnificPath + "/046b6c7f-0b8a-43b9-b35d-6489e6daee91", ("x-magnific-api-key", "k"));
        status.ShouldBe(404);
        json!["message"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Magnific_TaskOfAnotherKey_Returns404()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (_, created, _) = await sim.PostAsync(MagnificPath, MagnificBody(), ("x-magnific-api-key", "a"));
        var id = created!["data"]!["task_id"]!.GetValue<string>();
        var (status, _, _) = await sim.GetAsync(MagnificPath + "/" + id, ("x-magnific-api-key", "b"));
        status.ShouldBe(404);
    }

    [Fact]
    public async Task Gmi_MissingBearer_Returns401ErrorBody()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.PostAsync(GmiPath, DocExamples.GmiCurlSubmit.Body!);
        status.ShouldBe(401);
        json!["error"].ShouldNotBeNull();
    }

    [Theory]
    [InlineData("""{"model":"pixverse-v5.5-i2v","payload":{"image_url":"https://x/a.png","prompt":"p","duration":"10","aspect_ratio":"16:9","quality":"1080p"}}""", "duration")]
    [InlineData("""{"model":"pixverse-v5.5-i2v","payload":{"image_url":"https://x/a.png","prompt":"p","duration":5,"aspect_ratio":"21:9","quality":"720p"}}""", "payload.aspect_ratio")]
    [InlineData("""{"model":"pixverse-v5.5-i2v","payload":{"image_url":"https://x/a.png","prompt":"p","duration":5,"aspect_ratio":"16:9","quality":"720p","seed":-1}}""", "payload.seed")]
    [InlineData("""{"model":"pixverse-v6","payload":{"image_url":"https://x/a.png","prompt":"p","duration":5,"aspect_ratio":"16:9","quality":"720p"}}""", "model")]
    [InlineData("""{"model":"pixverse-v5.5-i2v"}""", "payload")]
    public async Task Gmi_InvalidRequest_Returns400NamingTheField(string body, string field)
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.PostAsync(GmiPath, body, ("Authorization", "Bearer k"));
        status.ShouldBe(400);
        json!["error"]!.GetValue<string>().ShouldContain(field);
    }

    [Fact]
    public async Task Gmi_NumericDuration_IsAcceptedLikeTheString()
    {
        await using var sim = await SimTestHost.StartAsync();
        var body = DocExamples.GmiCurlSubmit.Body!.Replace("\"duration\": \"5\"", "\"duration\": 8", StringComparison.Ordinal).Replace("1080p", "720p", StringComparison.Ordinal);
        var (status, json, _) = await sim.PostAsync(GmiPath, body, ("Authorization", "Bearer k"));
        status.ShouldBe(200);
        json!["status"]!.GetValue<string>().ShouldBe("queued");
        json["outcome"].ShouldBeNull();
    }

    [Fact]
    public async Task Aiml_ErrorBody_HasDocumentedFields()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.PostAsync(AimlPath, new { model = "pixverse/v5.5/image-to-video", prompt = "p" }, ("Authorization", "Bearer k"));
        status.ShouldBe(400);
        json!["message"]!.GetValue<string>().ShouldBe("Body validation error!");
        json["statusCode"]!.GetValue<int>().ShouldBe(400);
        json["path"]!.GetValue<string>().ShouldBe("/v2/video/generations");
        json["requestId"].ShouldNotBeNull();
        json["timestamp"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Aiml_1080pEightSeconds_IsRejectedAsItsDocSays()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, _, _) = await sim.PostAsync(AimlPath, new { model = "pixverse/v5.5/image-to-video", prompt = "p", image_url = "https://x/a.png", resolution = "1080p", duration = 8 }, ("Authorization", "Bearer k"));
        status.ShouldBe(400);
    }

    [Fact]
    public async Task Aiml_CreditsExhausted_Returns403()
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers["aimlapi"].Credits = new CreditScenario { Balance = 100, PricePerJob = 60 });
        var (first, _, _) = await sim.SendAsync(HttpMethod.Post, AimlPath, DocExamples.AimlPythonSubmit.Body, ("Authorization", "Bearer k"));
        var (second, json, _) = await sim.SendAsync(HttpMethod.Post, AimlPath, DocExamples.AimlPythonSubmit.Body, ("Authorization", "Bearer k"));
        first.ShouldBe(200);
        second.ShouldBe(403);
        json!["message"]!.GetValue<string>().ShouldContain("run out of credits");
        sim.Host.GetStats().Providers["aimlapi"].InsufficientCredits.ShouldBe(1);
    }

    [Fact]
    public async Task Aiml_NeverFinishingTask_AnswersGenerationTimeout504()
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers["aimlapi"].Faults = new FaultScenario { TaskNeverFinishes = 1, GenerationTimeoutSeconds = 60 });
        var (_, created, _) = await sim.SendAsync(HttpMethod.Post, AimlPath, DocExamples.AimlPythonSubmit.Body, ("Authorization", "Bearer k"));
        var id = created!["id"]!.GetValue<string>();
        sim.FinishAll();
        var (running, poll, _) = await sim.GetAsync($"{AimlPath}?generation_id={id}", ("Authorization", "Bearer k"));
        sim.Clock.Advance(TimeSpan.FromSeconds(61));
        var (timeout, error, _) = await sim.GetAsync($"{AimlPath}?generation_id={id}", ("Authorization", "Bearer k"));

        running.ShouldBe(200);
        poll!["status"]!.GetValue<string>().ShouldBe("generating");
        timeout.ShouldBe(504);
        error!["message"]!.GetValue<string>().ShouldBe("Generation timeout");
    }

    [Fact]
    public async Task Aiml_SampleSpelling_UsesWaitingAndSucceeded()
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers["aimlapi"].StatusSpelling = StatusSpellings.Sample);
        var (_, created, _) = await sim.SendAsync(HttpMethod.Post, AimlPath, DocExamples.AimlPythonSubmit.Body, ("Authorization", "Bearer k"));
        sim.FinishAll();
        var (_, done, _) = await sim.GetAsync($"{AimlPath}?generation_id={created!["id"]}", ("Authorization", "Bearer k"));
        created["status"]!.GetValue<string>().ShouldBe("waiting");
        done!["status"]!.GetValue<string>().ShouldBe("succeeded");
        done["meta"]!["usage"]!["credits_used"]!.GetValue<decimal>().ShouldBe(60m);
    }

    [Theory]
    [InlineData("""{"prompt":"p","model_id":"2-27","options":{"prompt_optimization":true,"num_outputs":5,"resolution":"720p","aspect_ratio":"16:9","duration":5}}""", "num_outputs")]
    [InlineData("""{"prompt":"p","model_id":"2-27","options":{"prompt_optimization":true,"num_outputs":1,"resolution":"1080p","aspect_ratio":"16:9","duration":8}}""", "duration")]
    [InlineData("""{"prompt":"p","model_id":"2-27","options":{"num_outputs":1,"resolution":"720p","aspect_ratio":"16:9","duration":5}}""", "prompt_optimization")]
    [InlineData("""{"prompt":"p","model_id":"2-27","image_urls":["a","b"],"options":{"prompt_optimization":true,"num_outputs":1,"resolution":"720p","aspect_ratio":"16:9","duration":5}}""", "image_urls")]
    [InlineData("""{"prompt":"p","model_id":"9-99","options":{"prompt_optimization":true,"num_outputs":1,"resolution":"720p","aspect_ratio":"16:9","duration":5}}""", "model_id")]
    public async Task Pixwith_InvalidRequest_IsCodeZeroInsideHttp200(string body, string field)
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.PostAsync("/pixwith/api/task/create", body, ("Api-Key", "k"));
        status.ShouldBe(200);
        json!["code"]!.GetValue<int>().ShouldBe(0);
        json["message"]!.GetValue<string>().ShouldContain(field);
    }

    [Fact]
    public async Task Pixwith_CreditsNotEnough_IsCodeZero()
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers["pixwith"].Credits = new CreditScenario { Balance = 10 });
        var e = DocExamples.PixwithTextToVideo;
        var (status, json, _) = await sim.SendAsync(HttpMethod.Post, "/pixwith" + e.Path, e.Body, e.Headers);
        status.ShouldBe(200);
        json!["code"]!.GetValue<int>().ShouldBe(0);
        json["message"]!.GetValue<string>().ShouldBe("Credits not enough");
    }

    [Fact]
    public async Task Pixwith_NumOutputs_GivesOneResultUrlEach()
    {
        await using var sim = await SimTestHost.StartAsync();
        var body = DocExamples.PixwithImageToVideo.Body!.Replace("\"num_outputs\": 1", "\"num_outputs\": 3", StringComparison.Ordinal);
        var (_, created, _) = await sim.PostAsync("/pixwith/api/task/create", body, ("Api-Key", "k"));
        var id = created!["data"]!["task_id"]!.GetValue<string>();
        var (_, running, _) = await sim.PostAsync("/pixwith/api/task/get", new { task_id = id }, ("Api-Key", "k"));
        sim.FinishAll();
        var (_, done, _) = await sim.PostAsync("/pixwith/api/task/get", new { task_id = id }, ("Api-Key", "k"));

        created["data"]!["estimated_time"]!.GetValue<int>().ShouldBeGreaterThan(0);
        running!["data"]!["status"]!.GetValue<int>().ShouldBe(1);
        done!["data"]!["status"]!.GetValue<int>().ShouldBe(2);
        done["data"]!["result_urls"]!.AsArray().Count.ShouldBe(3);
    }

    [Fact]
    public async Task Segmind_FastMotionAt1080p_Returns400ErrorBody()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.PostAsync("/segmind/v2/pixverse-5-video", new { duration = 5, motion_mode = "fast", prompt = "p", quality = "1080p" }, ("x-api-key", "k"));
        status.ShouldBe(400);
        json!["error"]!.GetValue<string>().ShouldContain("motion_mode");
    }

    [Fact]
    public async Task Segmind_InsufficientCredits_Returns406()
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers["segmind"].Credits = new CreditScenario { Balance = 0.1m });
        var e = DocExamples.SegmindAsyncSubmit;
        var (status, json, _) = await sim.SendAsync(HttpMethod.Post, "/segmind" + e.Path, e.Body, e.Headers);
        status.ShouldBe(406);
        json!["error"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Segmind_MissingKey_Returns401()
    {
        await using var sim = await SimTestHost.StartAsync();
        var (status, json, _) = await sim.SendAsync(HttpMethod.Post, "/segmind/v2/pixverse-5-video", DocExamples.SegmindAsyncSubmit.Body);
        status.ShouldBe(401);
        json!["error"].ShouldNotBeNull();
    }

    [Fact]
    public async Task MaxConcurrentTasks_SecondActiveTask_Returns429UntilFirstFinishes()
    {
        await using var sim = await SimTestHost.StartAsync(s => s.Providers["magnific"].MaxConcurrentTasks = 1);
        var (first, _, _) = await sim.PostAsync(MagnificPath, MagnificBody(), ("x-magnific-api-key", "k"));
        var (second, _, _) = await sim.PostAsync(MagnificPath, MagnificBody(), ("x-magnific-api-key", "k"));
        sim.FinishAll();
        var (third, _, _) = await sim.PostAsync(MagnificPath, MagnificBody(), ("x-magnific-api-key", "k"));
        (first, second, third).ShouldBe((200, 429, 200));
        sim.Host.GetStats().Providers["magnific"].ConcurrencyLimited.ShouldBe(1);
    }
}
