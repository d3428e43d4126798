namespace BatchGen.Core.Manifests;

/// <summary>Where a value was written: file (as given by the user), 1-based line and column.</summary>
internal readonly record struct SourceMark(string File, int Line, int Column)
{
    public Diagnostic ToDiagnostic(string field, string message) => new(File, Line, Column, field, message);

    public override string ToString() => $"{File}:{Line}:{Column}";
}
