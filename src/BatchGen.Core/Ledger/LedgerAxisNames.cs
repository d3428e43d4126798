using System.Text.Json;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The axis names of a batch in order of first appearance over its jobs sorted by id (<see cref="ILedger.ReadAxisNamesAsync"/>).
/// </summary>
internal static class LedgerAxisNames
{
    /// <summary>By reading every job (any ledger).</summary>
    public static async Task<IReadOnlyList<string>> FromJobsAsync(IAsyncEnumerable<LedgerJob> jobsById, CancellationToken cancellationToken)
    {
        var names = new Names();
        await foreach (var job in jobsById.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var (axis, _) in job.Spec.Axes)
            {
                names.Add(axis);
            }
        }

        return names.InOrder;
    }

    /// <summary>
    /// Built from the distinct <c>axes</c> values of the rows' <c>spec_json</c>, each with the least id of the rows
    /// holding it, given in the order of that id: the names each adds, in that order, are those the jobs add in id
    /// order (a row with a larger id repeats its group's first row). A value is a shared list's number, an array of bare
    /// names and <c>[name, value]</c> pairs, or (rows holding the whole job) of <c>{"key", "value"}</c> objects.
    /// </summary>
    public sealed class FromAxesValues(Func<long, IReadOnlyList<string>?> sharedAxes)
    {
        private readonly Names _names = new();

        public IReadOnlyList<string> InOrder => _names.InOrder;

        /// <summary>Adds the names of the next value; false when it has another shape (read the jobs then).</summary>
        public bool Add(object? value)
        {
            IReadOnlyList<string>? names = value switch
            {
                null => [],
                long list => sharedAxes(list),
                string json => NamesIn(json),
                _ => null,
            };
            if (names is null)
            {
                return false;
            }

            foreach (var name in names)
            {
                _names.Add(name);
            }

            return true;
        }
    }

    private static List<string>? NamesIn(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var axis in document.RootElement.EnumerateArray())
        {
            var name = axis.ValueKind switch
            {
                JsonValueKind.String => axis.GetString(),
                JsonValueKind.Array when axis.GetArrayLength() == 2 && axis[0].ValueKind == JsonValueKind.String => axis[0].GetString(),
                JsonValueKind.Object when axis.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String => key.GetString(),
                _ => null,
            };
            if (name is null)
            {
                return null;
            }

            names.Add(name);
        }

        return names;
    }

    private sealed class Names
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public List<string> InOrder { get; } = [];

        public void Add(string name)
        {
            if (_seen.Add(name))
            {
                InOrder.Add(name);
            }
        }
    }
}
