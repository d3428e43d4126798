namespace BatchGen.Core.Reports;

/// <summary>
/// Chooses the two axes of the contact sheet. Explicit choices must be report dimensions (the manifest's axes or
/// "provider"). Defaults: columns = provider when there are several, else the dimension with the most values;
/// rows = the remaining dimension that fills the most cells of the grid with the columns (an axis that moves with the
/// columns, like a style set per provider, would leave one cell per row), preferring style, then the one with the most
/// values (ties: declared order). A dimension with a single value is not used when another one exists, nor one with
/// too many values to break down (<see cref="ReportModelBuilder.MaxValuesPerDimension"/>).
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

            if (axis is not null && model.TooManyValues.Contains(axis))
            {
                return (null, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{flag} {axis}: more than {ReportModelBuilder.MaxValuesPerDimension:N0} values, too many for a contact sheet axis; use one of: {string.Join(", ", dimensions.Where(d => !model.TooManyValues.Contains(d)))}"));
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
            ?? byCount
                .Where(d => d != column && counts[d] > 1)
                .OrderByDescending(d => FilledCells(model, d, column))
                .ThenByDescending(d => d == "style")
                .FirstOrDefault();
        return (new ContactSheetLayout(row, column), null);
    }

    /// <summary>Distinct (row value, column value) pairs: how many cells of the grid hold at least one job.</summary>
    private static int FilledCells(ReportModel model, string rowAxis, string? columnAxis) => model.CellCounter(rowAxis, columnAxis);
}
