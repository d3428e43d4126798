namespace BatchGen.Simulator.H264;

/// <summary>
/// Writes an H.264 RBSP most significant bit first: fixed-width fields u(n), Exp-Golomb ue(v) / se(v), and the
/// trailing bits; <see cref="ToNalUnit"/> wraps the result in a NAL unit with emulation prevention bytes.
/// </summary>
internal sealed class BitWriter
{
    private readonly List<byte> _bytes;
    private int _current;
    private int _used;

    public BitWriter(int capacity = 64) => _bytes = new List<byte>(capacity);

    /// <summary>True at a byte boundary.</summary>
    public bool IsByteAligned => _used == 0;

    public void Bit(bool value) => Bits(value ? 1u : 0u, 1);

    /// <summary>u(n): the low <paramref name="count"/> bits of <paramref name="value"/>, highest first (count 0..32).</summary>
    public void Bits(uint value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            _current = (_current << 1) | (int)((value >> i) & 1);
            if (++_used == 8)
            {
                _bytes.Add((byte)_current);
                _current = 0;
                _used = 0;
            }
        }
    }

    /// <summary>ue(v): codeNum + 1 in binary, preceded by as many zeros as it has bits after the first.</summary>
    public void UnsignedExpGolomb(uint value)
    {
        var coded = (ulong)value + 1;
        var length = 64 - System.Numerics.BitOperations.LeadingZeroCount(coded);
        Bits(0, length - 1);
        if (length > 32)
        {
            Bits((uint)(coded >> 32), length - 32);
            Bits((uint)coded, 32);
        }
        else
        {
            Bits((uint)coded, length);
        }
    }

    /// <summary>se(v): k &gt; 0 is codeNum 2k-1, k &lt;= 0 is codeNum -2k.</summary>
    public void SignedExpGolomb(int value) =>
        UnsignedExpGolomb(value > 0 ? (uint)((2L * value) - 1) : (uint)(-2L * value));

    /// <summary>Zero bits up to the next byte boundary (pcm_alignment_zero_bit).</summary>
    public void AlignWithZeros()
    {
        while (!IsByteAligned)
        {
            Bit(false);
        }
    }

    /// <summary>Whole bytes; the writer must be byte-aligned.</summary>
    public void Bytes(ReadOnlySpan<byte> data)
    {
        if (!IsByteAligned)
        {
            throw new InvalidOperationException("raw bytes need a byte-aligned writer");
        }

        _bytes.AddRange(data);
    }

    /// <summary>rbsp_trailing_bits: a one bit, then zeros to the byte boundary.</summary>
    public void TrailingBits()
    {
        Bit(true);
        AlignWithZeros();
    }

    /// <summary>The RBSP written so far (must be byte-aligned).</summary>
    public byte[] ToArray()
    {
        if (!IsByteAligned)
        {
            throw new InvalidOperationException("the RBSP does not end on a byte boundary");
        }

        return [.. _bytes];
    }

    /// <summary>
    /// A NAL unit (no start code, no length prefix): the header byte, then the RBSP with an emulation prevention byte
    /// 0x03 inserted wherever two zero bytes would be followed by a byte of 0..3 (or would end the unit).
    /// </summary>
    public static byte[] ToNalUnit(int nalRefIdc, int nalUnitType, ReadOnlySpan<byte> rbsp)
    {
        // Two passes (count, then write) so a large picture is copied once, into an array of its exact size.
        var output = new byte[1 + rbsp.Length + Escape(rbsp, [])];
        output[0] = (byte)((nalRefIdc << 5) | nalUnitType);
        Escape(rbsp, output.AsSpan(1));
        return output;
    }

    /// <summary>The RBSP written so far as a NAL unit (<see cref="ToNalUnit(int, int, ReadOnlySpan{byte})"/>), without an intermediate copy.</summary>
    public byte[] ToNalUnit(int nalRefIdc, int nalUnitType)
    {
        if (!IsByteAligned)
        {
            throw new InvalidOperationException("the RBSP does not end on a byte boundary");
        }

        return ToNalUnit(nalRefIdc, nalUnitType, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_bytes));
    }

    /// <summary>Writes the escaped RBSP to <paramref name="destination"/> (nothing when it is empty); returns the bytes inserted.</summary>
    private static int Escape(ReadOnlySpan<byte> rbsp, Span<byte> destination)
    {
        var write = !destination.IsEmpty;
        var inserted = 0;
        var at = 0;
        var zeros = 0;
        var i = 0;
        while (i < rbsp.Length)
        {
            if (zeros == 0)
            {
                // Up to the next zero byte nothing can need an emulation prevention byte: copy the run whole.
                var run = rbsp[i..].IndexOf((byte)0);
                run = run < 0 ? rbsp.Length - i : run;
                if (run > 0)
                {
                    if (write)
                    {
                        rbsp.Slice(i, run).CopyTo(destination[at..]);
                    }

                    at += run;
                    i += run;
                    continue;
                }
            }

            var b = rbsp[i++];
            if (zeros >= 2 && b <= 3)
            {
                if (write)
                {
                    destination[at] = 3;
                }

                at++;
                inserted++;
                zeros = 0;
            }

            if (write)
            {
                destination[at] = b;
            }

            at++;
            zeros = b == 0 ? zeros + 1 : 0;
        }

        if (zeros > 0)
        {
            // A unit may not end in a zero byte (it would read as part of the next start code).
            if (write)
            {
                destination[at] = 3;
            }

            inserted++;
        }

        return inserted;
    }
}
