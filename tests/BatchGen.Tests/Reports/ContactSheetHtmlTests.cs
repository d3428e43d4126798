using System.Text.RegularExpressions;
using BatchGen.Core.Reports;

namespace BatchGen.Tests.Reports;

public sealed partial class ContactSheetHtmlTests
{
    private static string Render(ReportInput input, ContactSheetOptions? options = null, string reportDirectory = "/data/batch")
    {
        var model = ReportModel.Build(input);
        var layout = ContactSheetLayout.Resolve(model, options ?? ContactSheetOptions.Default).Layout.ShouldNotBeNull();
        return ContactSheetHtml.Render(model, layout, reportDirectory);
    }

    [Fact]
    public void Render_HostilePrompt_ShownAsEscapedTextOnly()
    {
        var html = Render(ReportFixtures.Input());

        html.ShouldNotContain("<script>alert");
        html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;, comma");
        ScriptTag().Count(html).ShouldBe(2);
    }

    [Fact]
    public void Render_HostileAxisValue_EscapedInAttributesAndOptions()
    {
        var jobs = ReportFixtures.Jobs().Select(j => j with
        {
            Spec = j.Spec with { Axes = [new("style", "x\" onmouseover=\"alert(2)"), new("seed", "<b>1</b>")] },
        }).ToList();

        var html = Render(ReportFixtures.Input(jobs));

        html.ShouldNotContain("onmouseover=\"alert");
        html.ShouldContain("value=\"x&quot; onmouseover=&quot;alert(2)\"");
        html.ShouldNotContain("<b>1</b>");
        html.ShouldContain("&lt;b&gt;1&lt;/b&gt;");
    }

    [Fact]
    public void Render_JobDataJson_EscapesHtmlSensitiveCharactersAndLineSeparators()
    {
        var jobs = ReportFixtures.Jobs().Select(j => j with
        {
            Spec = j.Spec with { Axes = [new("style", "</script><script>alert(3)</script>&\u2028\u2029"), new("seed", "1")] },
        }).ToList();

        var html = Render(ReportFixtures.Input(jobs));

        var json = JobDataBlock().Match(html).Groups[1].Value;
        json.ShouldNotBeEmpty();
        json.ShouldNotContain("<");
        json.ShouldNotContain(">");
        json.ShouldNotContain("&");
        json.ShouldNotContain("\u2028");
        json.ShouldNotContain("\u2029");
        json.ShouldContain("\\u003C/script\\u003E", Case.Insensitive);
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("jobs")[0].GetProperty("axes").GetProperty("style").GetString()
            .ShouldBe("</script><script>alert(3)</script>&\u2028\u2029");
    }

    [Fact]
    public void Render_OutputRootElsewhere_VideoLinkedByRelativeEscapedPath()
    {
        var jobs = ReportFixtures.Jobs().Take(1).Select(j => j with { FilePath = "videos/anime fox/a#1.mp4" }).ToList();

        var html = Render(ReportFixtures.Input(jobs, outputRoot: "/data/batch"), reportDirectory: "/data/reports");

        html.ShouldContain("<video src=\"../batch/videos/anime%20fox/a%231.mp4\" controls muted loop playsinline preload=\"metadata\"");
    }

    [Fact]
    public void Render_FailedAndPendingJobs_ShowStateAndErrorInsteadOfVideo()
    {
        var html = Render(ReportFixtures.Input());

        VideoTag().Count(html).ShouldBe(3);
        html.ShouldContain("<span class=\"badge failed\">failed</span><p class=\"error\">moderation: magnific: job a1b2c3d4e5f60003 failed: the prompt was rejected by moderation</p>");
        html.ShouldContain("<span class=\"badge pending\">pending</span>");
    }

    [Fact]
    public void Render_DefaultLayout_StyleRowsByProviderColumnsWithFilterPerAxis()
    {
        var html = Render(ReportFixtures.Input());

        html.ShouldContain("<th>style \\ provider</th><th scope=\"col\">magnific</th><th scope=\"col\">segmind</th>");
        html.ShouldContain("<tr data-row=\"anime\">");
        html.ShouldContain("<select data-axis=\"style\">");
        html.ShouldContain("<select data-axis=\"seed\">");
        html.ShouldContain("<select data-axis=\"provider\">");
        SvgTag().Count(html).ShouldBe(6);
        html.ShouldNotContain("http://");
        html.ShouldNotContain("https://", Case.Sensitive, "no network: the image URL is not shown either");
    }

    [Fact]
    public void Resolve_ExplicitAxes_AreUsed()
    {
        var model = ReportModel.Build(ReportFixtures.Input());

        ContactSheetLayout.Resolve(model, new ContactSheetOptions("seed", "style")).Layout.ShouldBe(new ContactSheetLayout("seed", "style"));
        ContactSheetLayout.Resolve(model, new ContactSheetOptions("provider", null)).Layout.ShouldBe(new ContactSheetLayout("provider", "style"));
    }

    [Fact]
    public void Resolve_OneProviderNoStyleAxis_UsesAxesWithMostValues()
    {
        var jobs = ReportFixtures.Jobs().Select(j => j with
        {
            Spec = j.Spec with { Provider = "segmind", Axes = [new("mood", j.Id[^1..]), new("seed", "1"), new("take", j.Id[^1..] == "1" ? "a" : "b")] },
        }).ToList();
        var model = ReportModel.Build(new ReportInput("x", ["mood", "seed", "take"], jobs, ReportFixtures.T0));

        ContactSheetLayout.Resolve(model, ContactSheetOptions.Default).Layout.ShouldBe(new ContactSheetLayout("take", "mood"));
    }

    [GeneratedRegex("<script[ >]")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("<script type=\"application/json\" id=\"job-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex JobDataBlock();

    [GeneratedRegex("<video ")]
    private static partial Regex VideoTag();

    [GeneratedRegex("<svg ")]
    private static partial Regex SvgTag();
}
