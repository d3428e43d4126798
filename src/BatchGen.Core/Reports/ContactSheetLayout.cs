namespace BatchGen.Core.Reports;

/// <summary>
/// Chooses the two axes of the contact sheet. Explicit choices must be report dimensions (the manifest's axes or
/// "provider"). Defaults: columns = provider when there are several, else the dimension with the most values;
/// rows = style when it is an axis, else the remaining dimension with the most values (ties: declared order).
/// A dimension with a single value is not used when another one exists.
/// </summary>
internal sealed record ContactSheetLayout(string? RowAxis, string? ColumnAxis)
{
    public static (ContactSheetLayout? Layout, string? Error) Resolve(ReportModel model, ContactSheetOptions options)
    {
        var dimensions = model.Dimensions;
        foreach (var (flag, axis) in new[] { ("--rows", options.RowAxis), ("--cols", options.ColumnAxis) })
        {
            if (axis is not null && !dimensions.Contains(axis, StringComparer.Ordinal))
            {
                return (null, $"{flag} {axis}: not an axis of this batch; use one of: {string.Join(", ", dimensions)}");
            }
        }

        if (options.RowAxis is not null && options.RowAxis == options.ColumnAxis)
        {
            return (null, $"--rows and --cols are both '{options.RowAxis}'; choose two different axes");
        }

        var counts = dimensions.ToDictionary(d => d, d => model.ValuesOf(d).Count, StringComparer.Ordinal);
        var byCount = dimensions.Select((d, i) => (d, i)).OrderByDescending(x => counts[x.d]).ThenBy(x => x.i).Select(x => x.d).ToList();

        var column = options.ColumnAxis
            ?? (counts[JobAxes.Provider] > 1 && options.RowAxis != JobAxes.Provider ? JobAxes.Provider : null)
            ?? byCount.FirstOrDefault(d => d != options.RowAxis && counts[d] > 1);
        var row = options.RowAxis
            ?? (dimensions.Contains("style", StringComparer.Ordinal) && column != "style" && counts["style"] > 1 ? "style" : null)
            ?? byCount.FirstOrDefault(d => d != column && counts[d] > 1);
        return (new ContactSheetLayout(row, column), null);
    }
}
