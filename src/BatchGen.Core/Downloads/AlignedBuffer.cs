using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace BatchGen.Core.Downloads;

/// <summary>
/// A receive buffer of <see cref="Size"/> bytes in native memory aligned to <see cref="DirectIo.Alignment"/>, as direct
/// writes need (it never moves, so it needs no pinning). Buffers come from <see cref="AlignedBufferPool"/> and live as
/// long as the process.
/// </summary>
internal sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    /// <summary>
    /// Bytes gathered from the body before each write: a 426 KB video is one direct write and its last partial block,
    /// one request to the disk (this disk takes up to 4 MB in one). Pages of it a download never reaches are never
    /// touched, so a run of small videos does not hold the whole buffer in memory.
    /// </summary>
    public const int Size = 1024 * 1024;

    private byte* _start = (byte*)NativeMemory.AlignedAlloc(Size, DirectIo.Alignment);

    public override Span<byte> GetSpan() => new(_start, Size);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, Size);
        return new MemoryHandle(_start + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        NativeMemory.AlignedFree(_start);
        _start = null;
    }
}

/// <summary>
/// At most <c>capacity</c> aligned buffers, created when first needed and reused by every later download (no large
/// allocation per download). When all are in use <see cref="Rent"/> answers null and that download receives into an
/// ordinary pooled array, written through the page cache: the native memory held stays bounded (32 x 1 MB for
/// <see cref="Shared"/>; a run has 4 download workers, so 4 MB at most in practice).
/// </summary>
internal sealed class AlignedBufferPool(int capacity)
{
    private readonly ConcurrentStack<AlignedBuffer> _free = new();
    private int _created;

    public static AlignedBufferPool Shared { get; } = new(32);

    /// <summary>Buffers created so far (never more than the capacity).</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>A free buffer, a new one while fewer than the capacity exist, else null.</summary>
    public AlignedBuffer? Rent()
    {
        if (_free.TryPop(out var buffer))
        {
            return buffer;
        }

        if (Interlocked.Increment(ref _created) <= capacity)
        {
            return new AlignedBuffer();
        }

        Interlocked.Decrement(ref _created);
        return _free.TryPop(out buffer) ? buffer : null;
    }

    public void Return(AlignedBuffer buffer) => _free.Push(buffer);
}

/// <summary>The receive buffer of one body copy: an aligned one when the pool has one, else an array from <see cref="ArrayPool{T}"/>.</summary>
internal readonly struct ReceiveBuffer : IDisposable
{
    private readonly AlignedBuffer? _aligned;
    private readonly byte[]? _array;

    private ReceiveBuffer(AlignedBuffer? aligned, byte[]? array)
    {
        _aligned = aligned;
        _array = array;
        Memory = aligned?.Memory ?? array.AsMemory(0, AlignedBuffer.Size);
    }

    public Memory<byte> Memory { get; }

    public static ReceiveBuffer Rent() => AlignedBufferPool.Shared.Rent() is { } aligned
        ? new ReceiveBuffer(aligned, null)
        : new ReceiveBuffer(null, ArrayPool<byte>.Shared.Rent(AlignedBuffer.Size));

    public void Dispose()
    {
        if (_aligned is not null)
        {
            AlignedBufferPool.Shared.Return(_aligned);
        }
        else if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
