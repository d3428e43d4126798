namespace BatchGen.Core.Manifests;

/// <summary>
/// One value written in a manifest or CSV cell, read and checked once at load: its canonical text (used to
/// match exclude/include entries, to fill templates and to name combinations), where it was written, and its
/// parsed form (int, long, bool, string, <see cref="Template"/> or the extra object).
/// </summary>
internal sealed class FieldValue
{
    public FieldValue(string text, SourceMark mark, object? parsed)
    {
        Text = text;
        Mark = mark;
        Parsed = parsed;
    }

    public string Text { get; }

    public SourceMark Mark { get; }

    public object? Parsed { get; }

    /// <summary>
    /// An earlier check already reported this value (schema, parsing, an unknown template variable): later checks
    /// skip it, and a combination holding it makes no job.
    /// </summary>
    public bool IsRejected { get; private set; }

    /// <summary>A value that was reported as wrong where it was written: kept so that the rest is still checked.</summary>
    public static FieldValue Invalid(string text, SourceMark mark) => new(text, mark, null) { IsRejected = true };

    public void Reject() => IsRejected = true;
}

/// <summary>A key (slot) and its value, as written in an axis entry, a row, an include or exclude entry.</summary>
internal readonly record struct Pair(int Slot, FieldValue Value);
