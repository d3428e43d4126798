namespace BatchGen.Ledger.Postgres;

/// <summary>
/// One batch in a shared database: the manifest's name plus the optional <c>--batch ID</c> (empty when not given),
/// so a nightly manifest can keep one batch per night and many manifests share one database.
/// </summary>
public sealed record PostgresBatch(string Name, string? Id = null)
{
    public string Key => Id ?? string.Empty;

    public override string ToString() => string.IsNullOrEmpty(Id) ? $"'{Name}'" : $"'{Name}' (--batch {Id})";
}
