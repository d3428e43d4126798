namespace BatchGen.Cli.Review;

/// <summary>The review app's single page (review.html, embedded in the tool).</summary>
internal static class ReviewPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(ReviewPage).Assembly.GetManifestResourceStream("BatchGen.Cli.Review.review.html")
            ?? throw new InvalidOperationException("review.html is not embedded in the tool");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
