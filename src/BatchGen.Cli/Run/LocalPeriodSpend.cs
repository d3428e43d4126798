using System.Globalization;
using BatchGen.Core.Costs.Periods;

namespace BatchGen.Cli.Run;

/// <summary>
/// What a batch spent per day under one spend file (<paramref name="BookId"/> at <paramref name="Path"/>) while it ran on
/// a SQLite ledger: carried into the fleet's period totals when the batch moves to PostgreSQL (<c>ledger copy</c>, and
/// by each worker that joins it), once per spend file.
/// </summary>
internal sealed record LocalPeriodSpend(string BookId, string Path, IReadOnlyList<(DateOnly Day, decimal SpentUsd)> Days)
{
    public static LocalPeriodSpend Read(SpendBook book, string batchDirectory)
    {
        ArgumentNullException.ThrowIfNull(book);
        var days = book.SpentByDay(batchDirectory)
            .Select(d => (DateOnly.ParseExact(d.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), d.SpentUsd))
            .ToList();
        return new LocalPeriodSpend(book.Id, book.Path, days);
    }

    /// <summary>The line saying what was carried (amount, days, spend file).</summary>
    public string Describe(IReadOnlyList<(DateOnly Day, decimal SpentUsd)> added)
    {
        ArgumentNullException.ThrowIfNull(added);
        var c = CultureInfo.InvariantCulture;
        var days = string.Join(", ", added.Select(d => string.Create(c, $"{d.Day:yyyy-MM-dd} ${d.SpentUsd:0.00}")));
        return string.Create(c, $"carried ${added.Sum(d => d.SpentUsd):0.00} this batch spent before on its SQLite ledger into the fleet's period caps ({days}) from {Path}");
    }
}
