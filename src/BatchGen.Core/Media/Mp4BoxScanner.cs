using System.Buffers.Binary;

namespace BatchGen.Core.Media;

/// <summary>
/// The box check of <see cref="Mp4Probe"/> on bytes as they stream past (a download), so the file need not be opened
/// and read back: it notes every top-level box header and keeps a copy of the <c>moov</c> body. <see cref="Finish"/>
/// gives the same answer <see cref="Mp4Probe.ProbeAsync"/> would give for the same bytes, or null when the bytes were
/// anything but a plain sequence of well-formed boxes starting with <c>ftyp</c> (the caller then probes the file, so
/// every error message stays the file probe's own).
/// </summary>
internal sealed class Mp4BoxScanner
{
    private const int MaxMoovBytes = 64 * 1024 * 1024;

    private readonly byte[] _header = new byte[16];
    private readonly List<(long Start, long End)> _mdats = [];
    private long _position;
    private long _boxEnd = -1;
    private int _headerFilled;
    private int _boxes;
    private bool _unusual;
    private byte[]? _moov;
    private byte[]? _capture;
    private long _captureStart;

    /// <summary>Bytes seen so far.</summary>
    public long Length => _position;

    /// <summary>Forgets everything (the file is written again from its start).</summary>
    public void Reset()
    {
        _mdats.Clear();
        _position = 0;
        _boxEnd = -1;
        _headerFilled = 0;
        _boxes = 0;
        _unusual = false;
        _moov = null;
        _capture = null;
    }

    /// <summary>The next bytes of the file, in order.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty && !_unusual)
        {
            if (_boxEnd < 0)
            {
                data = data[ReadHeader(data)..];
                continue;
            }

            var take = (int)Math.Min(data.Length, _boxEnd - _position);
            if (_capture is not null)
            {
                data[..take].CopyTo(_capture.AsSpan((int)(_position - _captureStart)));
            }

            _position += take;
            data = data[take..];
            if (_position == _boxEnd)
            {
                if (_capture is not null)
                {
                    _moov = _capture;
                    _capture = null;
                }

                _boxEnd = -1;
            }
        }

        if (_unusual)
        {
            _position += data.Length;
        }
    }

    /// <summary>
    /// The probe's answer for the <paramref name="length"/> bytes seen, or null when the file itself must be probed
    /// (unusual layout, an error in the box layout, or not every byte seen).
    /// </summary>
    public (Mp4Info? Info, string? Error)? Finish(long length)
    {
        if (_unusual || length != _position || _boxEnd >= 0 || _headerFilled != 0 || _boxes == 0 || _moov is null)
        {
            return null;
        }

        return Mp4Tracks.Check(_moov, _mdats, length);
    }

    /// <summary>Consumes header bytes; returns how many. Marks the scan unusual for anything the file probe should judge.</summary>
    private int ReadHeader(ReadOnlySpan<byte> data)
    {
        var need = (_headerFilled < 8 ? 8 : 16) - _headerFilled;
        var take = Math.Min(need, data.Length);
        data[..take].CopyTo(_header.AsSpan(_headerFilled));
        _headerFilled += take;
        _position += take;
        if (_headerFilled < 8 || (_headerFilled == 8 && BinaryPrimitives.ReadUInt32BigEndian(_header) == 1))
        {
            return take;
        }

        var start = _position - _headerFilled;
        var headerSize = _headerFilled;
        long size = headerSize == 16 ? (long)BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(8)) : BinaryPrimitives.ReadUInt32BigEndian(_header);
        _headerFilled = 0;
        var type = _header.AsSpan(4, 4);
        var isMoov = type.SequenceEqual("moov"u8);
        // Size 0 (to the end of the file), an impossible size, or a first box other than ftyp: the file probe decides.
        if (size < headerSize || size > long.MaxValue / 4 || (_boxes == 0 && !type.SequenceEqual("ftyp"u8)) || (isMoov && size - headerSize > MaxMoovBytes))
        {
            _unusual = true;
            return take;
        }

        _boxes++;
        _boxEnd = start + size;
        if (isMoov)
        {
            _capture = new byte[size - headerSize];
            _captureStart = _position;
        }
        else if (type.SequenceEqual("mdat"u8))
        {
            _mdats.Add((start + headerSize, start + size));
        }

        if (_boxEnd == _position)
        {
            _moov = _capture ?? _moov;
            _capture = null;
            _boxEnd = -1;
        }

        return take;
    }
}
