using System.Globalization;

namespace BatchGen.Core.Manifests;

/// <summary>
/// One problem found in a manifest, a rows CSV or a providers file, printed as
/// <c>file:line:col: field: message</c>. Line and column are 1-based (for a CSV, the column is the field number).
/// </summary>
public sealed record Diagnostic(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: {Field}: {Message}");
}
