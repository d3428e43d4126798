using System.Globalization;

namespace BatchGen.Core.Manifests;

/// <summary>
/// Collects errors and warnings. Identical messages (the same clash in many grid combinations) are reported once
/// with a count, and at most <see cref="MaxErrors"/> distinct errors are kept so a broken million-job grid stays readable.
/// Errors come out in position order (files in the order they were first reported, then line and column), whatever
/// check found them.
/// </summary>
internal sealed class DiagnosticBag
{
    public const int MaxErrors = 200;

    private readonly List<Diagnostic> _errors = [];
    private readonly List<Diagnostic> _warnings = [];
    private readonly Dictionary<Diagnostic, int> _errorCounts = [];
    private readonly HashSet<Diagnostic> _warningSet = [];
    private long _dropped;

    public int ErrorCount => _errors.Count;

    public bool HasErrors => _errors.Count > 0;

    public void Error(Diagnostic diagnostic)
    {
        if (_errorCounts.TryGetValue(diagnostic, out var count))
        {
            _errorCounts[diagnostic] = count + 1;
            return;
        }

        if (_errors.Count >= MaxErrors)
        {
            _dropped++;
            return;
        }

        _errorCounts[diagnostic] = 1;
        _errors.Add(diagnostic);
    }

    public void Error(SourceMark mark, string field, string message) => Error(mark.ToDiagnostic(field, message));

    public void Warning(SourceMark mark, string field, string message)
    {
        var diagnostic = mark.ToDiagnostic(field, message);
        if (_warningSet.Add(diagnostic) && _warnings.Count < MaxErrors)
        {
            _warnings.Add(diagnostic);
        }
    }

    public IReadOnlyList<Diagnostic> Errors()
    {
        var list = new List<Diagnostic>(_errors.Count + 1);
        var fileRank = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var error in _errors)
        {
            fileRank.TryAdd(error.File, fileRank.Count);
        }

        foreach (var error in _errors.OrderBy(e => fileRank[e.File]).ThenBy(e => e.Line).ThenBy(e => e.Column))
        {
            var count = _errorCounts[error];
            list.Add(count > 1
                ? error with { Message = string.Create(CultureInfo.InvariantCulture, $"{error.Message} (in {count} combinations)") }
                : error);
        }

        if (_dropped > 0 && list.Count > 0)
        {
            var last = list[^1];
            list.Add(last with { Field = "manifest", Message = string.Create(CultureInfo.InvariantCulture, $"{_dropped} more distinct errors not shown; fix the ones above first") });
        }

        return list;
    }

    public IReadOnlyList<Diagnostic> Warnings() => _warnings.ToArray();
}
