using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using BatchGen.Core.Jobs;

namespace BatchGen.Core.Ledger;

/// <summary>
/// The key of a manifest's jobs (<see cref="LedgerJobSync.MetaKey"/>): the SHA-256 of one line per job, in order,
/// <c>ID U+001F PROVIDER U+001F SPEC \n</c> in UTF-8, SPEC being the job's whole <c>spec_json</c>
/// (<see cref="LedgerSpecWriter.Whole"/>). Each line is assembled in a reused buffer.
/// </summary>
internal sealed class ManifestKey : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte> _line = new(512);

    public void Add(JobSpec job, ReadOnlySpan<byte> spec)
    {
        _line.ResetWrittenCount();
        Append(job.Id);
        _line.Write("\u001f"u8);
        Append(job.Provider);
        _line.Write("\u001f"u8);
        _line.Write(spec);
        _line.Write("\n"u8);
        _hash.AppendData(_line.WrittenSpan);
    }

    /// <summary>The key in lowercase hex; the hash starts again empty.</summary>
    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();

    private void Append(string text)
    {
        var written = Encoding.UTF8.GetBytes(text, _line.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        _line.Advance(written);
    }
}
