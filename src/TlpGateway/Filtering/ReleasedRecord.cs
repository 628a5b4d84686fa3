using System.Buffers;

namespace TlpGateway.Filtering;

/// <summary>
/// A released record's bytes as the gateway would send them, written for a record sink (an export,
/// the preview): held as the input's record is (<see cref="HeldBuffer"/>), so a 20 MB event costs a
/// mapping that is given back with the answer, not managed arrays that grow by doubling and are left
/// on the large object heap.
/// </summary>
internal sealed class ReleasedRecord : IBufferWriter<byte>, IDisposable
{
    private readonly HeldBuffer _buffer = new();
    private int _written;

    /// <summary>The record written since <see cref="Clear"/>, valid until the next write.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.Span[.._written];

    /// <summary>Done with the record: a large one's mapping is given back at once, with its large-record turn.</summary>
    public void Clear()
    {
        if (_buffer.IsMapped)
        {
            _buffer.Compact(_written, _written);
        }

        _written = 0;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Capacity - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.Memory[_written..];
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.Span[_written..];
    }

    public void Dispose() => _buffer.Dispose();

    private void Reserve(int sizeHint)
    {
        var needed = (long)_written + Math.Max(1, sizeHint);
        if (needed > _buffer.Capacity)
        {
            _buffer.Grow(_written, (int)Math.Min(Array.MaxLength, needed));
        }
    }
}
