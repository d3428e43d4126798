using System.Collections.Concurrent;
using System.Globalization;

namespace BatchGen.Core.Pipeline.Halting;

/// <summary>
/// Judges the <see cref="HaltRules"/> against this run's finished jobs before each submit. Once a rule fires it stays
/// fired (for every provider, or for one provider when the rules are per provider); the first reason is kept.
/// </summary>
internal sealed class HaltMonitor
{
    private const string Overall = "";
    private readonly HaltRules _rules;
    private readonly RunProgress _progress;
    private readonly ConcurrentDictionary<string, HaltReason> _fired = new(StringComparer.Ordinal);

    public HaltMonitor(HaltRules rules, RunProgress progress)
    {
        _rules = rules;
        _progress = progress;
    }

    /// <summary>The rules that fired, by provider (an empty provider name when judged overall), in no order.</summary>
    public IReadOnlyCollection<HaltReason> Fired => _fired.Values.ToArray();

    /// <summary>True when submits to <paramref name="provider"/> must stop (a rule fired for it or overall).</summary>
    public bool ShouldHalt(string provider)
    {
        if (_rules.IsEmpty)
        {
            return false;
        }

        var scope = _rules.PerProvider ? provider : Overall;
        if (_fired.ContainsKey(scope))
        {
            return true;
        }

        long failed = 0;
        long succeeded = 0;
        foreach (var p in _progress.Providers)
        {
            if (scope == Overall || p.Name == scope)
            {
                failed += p.Failed;
                succeeded += p.SucceededThisRun;
            }
        }

        if (Judge(scope, failed, failed + succeeded) is { } reason)
        {
            _fired.TryAdd(scope, reason);
            return true;
        }

        return false;
    }

    private HaltReason? Judge(string scope, long failed, long finished)
    {
        var c = CultureInfo.InvariantCulture;
        var where = scope == Overall ? "overall" : scope;
        if (_rules.MaxFailures is { } max && failed >= max)
        {
            return new HaltReason(scope, $"--halt-on-failures {max}", failed, finished,
                string.Create(c, $"--halt-on-failures {max} fired ({where}): {failed} of {finished} finished jobs failed"));
        }

        if (_rules.MaxFailureRate is { } rate && finished >= _rules.MinFinished && finished > 0 && (double)failed / finished >= rate)
        {
            var rule = string.Create(c, $"--halt-on-failure-rate {rate * 100:0.##}%");
            return new HaltReason(scope, rule, failed, finished,
                string.Create(c, $"{rule} fired ({where}): {failed} of {finished} finished jobs failed ({(double)failed / finished * 100:0.#}%, judged after {_rules.MinFinished})"));
        }

        return null;
    }
}

/// <summary>A halt rule that fired: for which provider (empty = overall), which rule, the figures, one line.</summary>
public sealed record HaltReason(string Provider, string Rule, long Failed, long Finished, string Message);
