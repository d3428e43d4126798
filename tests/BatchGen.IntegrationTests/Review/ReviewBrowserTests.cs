using Microsoft.Playwright;

namespace BatchGen.IntegrationTests.Review;

/// <summary>
/// The review app driven in Debian's chromium through Playwright (its own browser download does not work here, so
/// the system executable is launched): votes cast with clicks and keys, a rating with a click, the app stopped and
/// started again, and the votes still in the ranking.
/// </summary>
[Collection(ReviewCollection.Name)]
public sealed class ReviewBrowserTests(ReviewBatchFixture batch)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly float Timeout = 60_000;

    private static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(Chromium))
        {
            Assert.Fail($"{Chromium} is missing: install the Debian 'chromium' package (scripts/install-deps.sh does).");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Timeout = Timeout,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--mute-audio"],
        });
    }

    [Fact]
    public async Task Browser_VotesByClickAndKey_RatingByClick_SurviveARestartOfTheApp()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        string votesBefore;
        await using (var app = await ReviewApp.StartAsync(batch.Directory, batch.LedgerPath))
        {
            var page = await browser.NewPageAsync();
            page.SetDefaultTimeout(Timeout);
            await page.GotoAsync(app.PageUri.ToString());
            await page.FillAsync("#rater", "ann");
            await page.Locator("#rater").DispatchEventAsync("change");

            await page.ClickAsync("#tab-ranking");
            votesBefore = await VotesLineAsync(page);

            // Grid: one video card per succeeded job; four stars on the first one.
            await page.ClickAsync("#tab-grid");
            await Assertions.Expect(page.Locator("#gridBody video")).ToHaveCountAsync(4);
            await page.Locator("#gridBody .card").First.Locator("button[data-stars='4']").ClickAsync();
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("rating saved");
            await Assertions.Expect(page.Locator("#gridBody .card").First.Locator("button.on")).ToHaveCountAsync(4);

            // Blind pairs on style: a click, then two keys.
            await page.ClickAsync("#tab-compare");
            await page.SelectOptionAsync("#axis", "style");
            await page.Locator("button[data-winner='left']").ClickAsync();
            await Assertions.Expect(page.Locator("#voteCount")).ToHaveTextAsync("1 vote(s) this session");
            // A key counts only once the next pair is on screen (the old pair's buttons stay while it loads).
            await Assertions.Expect(page.Locator("#pairArea")).ToHaveAttributeAsync("data-ready", "true");
            await page.Keyboard.PressAsync("ArrowRight");
            await Assertions.Expect(page.Locator("#voteCount")).ToHaveTextAsync("2 vote(s) this session");
            await Assertions.Expect(page.Locator("#pairArea")).ToHaveAttributeAsync("data-ready", "true");
            await page.Keyboard.PressAsync("t");
            await Assertions.Expect(page.Locator("#voteCount")).ToHaveTextAsync("3 vote(s) this session");
            await app.KillAsync();
        }

        await using var restarted = await ReviewApp.StartAsync(batch.Directory, batch.LedgerPath);
        var again = await browser.NewPageAsync();
        again.SetDefaultTimeout(Timeout);
        await again.GotoAsync(restarted.PageUri.ToString());
        await again.ClickAsync("#tab-ranking");
        var before = int.Parse(votesBefore.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(again.Locator("#rankBody p").First).ToHaveTextAsync($"{before + 3} vote(s) recorded in the ledger.");
        await Assertions.Expect(again.Locator("#rankBody h3", new() { HasText = "style" })).ToBeVisibleAsync();
        (await again.Locator("#rankBody table.rank").Nth(0).InnerTextAsync()).ShouldContain("anime");
    }

    private static async Task<string> VotesLineAsync(IPage page)
    {
        var line = page.Locator("#rankBody p").First;
        await Assertions.Expect(line).ToContainTextAsync("recorded in the ledger");
        return await line.InnerTextAsync();
    }
}
