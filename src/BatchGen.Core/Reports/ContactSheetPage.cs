namespace BatchGen.Core.Reports;

/// <summary>
/// One page of a contact sheet too large for one: a batch of more than <see cref="Size"/> jobs is split, in id order,
/// into pages of <see cref="Size"/> jobs (contact-sheet.html, contact-sheet-2.html, ...). Ids are hashes, so every page
/// is a spread over every axis value rather than one corner of the grid.
/// </summary>
/// <param name="Number">1-based.</param>
/// <param name="Count">Pages in all.</param>
/// <param name="FirstJob">1-based position of the page's first job among the batch's jobs sorted by id.</param>
/// <param name="LastJob">Position of its last job.</param>
/// <param name="TotalJobs">Jobs in the batch.</param>
internal sealed record ContactSheetPage(int Number, int Count, long FirstJob, long LastJob, long TotalJobs)
{
    /// <summary>Jobs per page: a page of this many videos still opens and scrolls in a browser.</summary>
    public const int Size = 1000;

    /// <summary>contact-sheet.html for page 1, contact-sheet-N.html for page N.</summary>
    public static string FileName(int number) =>
        number == 1 ? ReportWriter.ContactSheetFile : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"contact-sheet-{number}.html");

    /// <summary>Pages for a batch of <paramref name="jobs"/> jobs (one for an empty batch).</summary>
    public static int CountFor(long jobs) => (int)Math.Max(1, (jobs + Size - 1) / Size);

    /// <summary>True for the name of a page other than the first (contact-sheet-N.html).</summary>
    public static bool IsLaterPage(string fileName, out int number)
    {
        number = 0;
        return fileName.StartsWith("contact-sheet-", StringComparison.Ordinal)
            && fileName.EndsWith(".html", StringComparison.Ordinal)
            && int.TryParse(fileName.AsSpan(14, fileName.Length - 19), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number)
            && number >= 2;
    }
}
