namespace BatchGen.Core.Ledger;

/// <summary>Text already encoded as UTF-8: <see cref="LedgerStatement"/> binds it as the same text a string of it would be, without encoding it again.</summary>
internal readonly record struct Utf8Text(ReadOnlyMemory<byte> Bytes);
