using System.Data.Common;

namespace BatchGen.Core.Ledger;

/// <summary>
/// Values a SQLite ledger stores as bytes from the schema step <c>compact_values</c> on, when the bytes give the text back
/// exactly (anything else stays text, and rows written before that step hold text): a SHA-256 of 64 lowercase hex digits
/// is its 32 bytes; a remote task id that is a UUID (<c>8-4-4-4-12</c> hex digits) or 32 hex digits, all lowercase or all
/// uppercase, is its 16 bytes, plain for a lowercase UUID, else after one byte saying which form it was
/// (<see cref="UpperUuid"/>, <see cref="LowerHex"/>, <see cref="UpperHex"/>). Readers take either form (<see cref="ReadSha256"/>,
/// <see cref="ReadRemoteId"/>, and in SQL <see cref="Sha256Sql"/> and <see cref="RemoteIdSql"/>). PostgreSQL keeps the text.
/// </summary>
internal static class LedgerBlobs
{
    private const byte UpperUuid = 1;

    private const byte LowerHex = 2;

    private const byte UpperHex = 3;

    /// <summary>The stored form of a SHA-256: 32 bytes for 64 lowercase hex digits, else the text as it is.</summary>
    public static object? Sha256(string? hex)
    {
        if (hex is not { Length: 64 } || !IsHex(hex, upper: false))
        {
            return hex;
        }

        return Convert.FromHexString(hex);
    }

    /// <summary>
    /// The stored form of a remote task id: 16 or 17 bytes for a UUID or 32 hex digits of one case, else the text. The
    /// bytes are kept only when they give <paramref name="id"/> back exactly (checked here): the id is what a resume polls
    /// a paid task by.
    /// </summary>
    public static object? RemoteId(string? id) =>
        Encode(id) is byte[] bytes && string.Equals(RemoteIdText(bytes), id, StringComparison.Ordinal) ? bytes : id;

    private static object? Encode(string? id)
    {
        if (id is null)
        {
            return null;
        }

        if (id.Length == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-')
        {
            var digits = string.Concat(id.AsSpan(0, 8), id.AsSpan(9, 4), id.AsSpan(14, 4), id.AsSpan(19, 4)) + id[24..];
            return IsHex(digits, upper: false) ? Convert.FromHexString(digits)
                : IsHex(digits, upper: true) ? Tagged(UpperUuid, digits)
                : id;
        }

        if (id.Length == 32)
        {
            return IsHex(id, upper: false) ? Tagged(LowerHex, id)
                : IsHex(id, upper: true) ? Tagged(UpperHex, id)
                : id;
        }

        return id;
    }

    /// <summary>A SHA-256 column: 32 bytes (lowercase hex back) or the text of older rows.</summary>
    public static string? ReadSha256(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        return reader.GetFieldType(ordinal) == typeof(byte[]) ? Convert.ToHexStringLower((byte[])reader.GetValue(ordinal)) : reader.GetString(ordinal);
    }

    /// <summary>A remote id column: the bytes of <see cref="RemoteId"/> back to the exact text, or the text.</summary>
    public static string? ReadRemoteId(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        return reader.GetFieldType(ordinal) == typeof(byte[]) ? RemoteIdText((byte[])reader.GetValue(ordinal)) : reader.GetString(ordinal);
    }

    /// <summary>The text a stored remote id stands for (the inverse of <see cref="RemoteId"/>).</summary>
    public static string RemoteIdText(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return bytes switch
        {
            { Length: 16 } => Dashed(Convert.ToHexStringLower(bytes)),
            [UpperUuid, .. var rest] when rest.Length == 16 => Dashed(Convert.ToHexString(rest)),
            [LowerHex, .. var rest] when rest.Length == 16 => Convert.ToHexStringLower(rest),
            [UpperHex, .. var rest] when rest.Length == 16 => Convert.ToHexString(rest),
            _ => throw new FormatException($"a stored remote id of {bytes.Length} bytes is not one batchgen writes"),
        };
    }

    /// <summary>SQL giving the text of a SHA-256 column (JSON and views cannot hold bytes).</summary>
    public static string Sha256Sql(string column) =>
        $"(CASE WHEN typeof({column}) = 'blob' THEN lower(hex({column})) ELSE {column} END)";

    /// <summary>SQL giving the text of a remote id column, as <see cref="RemoteIdText"/> does.</summary>
    public static string RemoteIdSql(string column)
    {
        string Uuid(string hex) =>
            $"substr({hex}, 1, 8) || '-' || substr({hex}, 9, 4) || '-' || substr({hex}, 13, 4) || '-' || substr({hex}, 17, 4) || '-' || substr({hex}, 21)";
        var tail = $"hex(substr({column}, 2))";
        return $"(CASE WHEN typeof({column}) <> 'blob' THEN {column} "
            + $"WHEN length({column}) = 16 THEN lower({Uuid($"hex({column})")}) "
            + $"WHEN substr({column}, 1, 1) = x'0{UpperUuid}' THEN {Uuid(tail)} "
            + $"WHEN substr({column}, 1, 1) = x'0{LowerHex}' THEN lower({tail}) "
            + $"ELSE {tail} END)";
    }

    private static byte[] Tagged(byte tag, string digits)
    {
        var bytes = new byte[17];
        bytes[0] = tag;
        Convert.FromHexString(digits, bytes.AsSpan(1), out _, out _);
        return bytes;
    }

    private static string Dashed(string hex) => $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";

    /// <summary>True when every character is a hex digit and no letter is of the other case.</summary>
    private static bool IsHex(string text, bool upper)
    {
        foreach (var c in text)
        {
            var ok = char.IsAsciiDigit(c) || (upper ? c is >= 'A' and <= 'F' : c is >= 'a' and <= 'f');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
