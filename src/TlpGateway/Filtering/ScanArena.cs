using System.Buffers;
using System.Runtime.CompilerServices;

namespace TlpGateway.Filtering;

/// <summary>
/// Where a scanner keeps the properties (or elements) of the nodes of one value: runs of entries
/// side by side in chunks small enough to stay off the large object heap, so however large the
/// value no array grows by copying, and none outlives the answer as a large array. A run longer
/// than a chunk (an object of thousands of names) gets a chunk of its own, and starts it (a run's
/// start is always below <paramref name="chunkLength"/>, see JsonScan's ArenaPosition). Chunks come from
/// <paramref name="chunks"/>, a pool shared by all scanners whose bound is what stays in memory
/// after large answers.
/// </summary>
internal sealed class ScanArena<T>(ArrayPool<T> chunks, int chunkLength, int maxPooledChunks)
{
    private readonly List<T[]> _chunks = [];
    private int _chunk;
    private int _used;

    /// <summary>Starts a new value: the chunks are written over from the first, but for the ones of a single long run, which go back.</summary>
    public void Reset()
    {
        for (var i = _chunks.Count - 1; i >= 0; i--)
        {
            if (_chunks[i].Length != chunkLength)
            {
                Clear(_chunks[i]);
                Return(_chunks[i]);
                _chunks.RemoveAt(i);
            }
        }

        _chunk = 0;
        _used = 0;
    }

    /// <summary>Copies a run in; returns where it is.</summary>
    public (int Chunk, int Start) Append(ReadOnlySpan<T> run)
    {
        if (_chunks.Count == 0)
        {
            _chunks.Add(Rent(run.Length));
        }

        if (_used + run.Length > _chunks[_chunk].Length)
        {
            _chunk++;
            _used = 0;
            if (_chunk == _chunks.Count)
            {
                _chunks.Add(Rent(run.Length));
            }
            else if (_chunks[_chunk].Length < run.Length)
            {
                Clear(_chunks[_chunk]);
                Return(_chunks[_chunk]);
                _chunks[_chunk] = Rent(run.Length);
            }
        }

        run.CopyTo(_chunks[_chunk].AsSpan(_used));
        var at = (_chunk, _used);

        // A chunk of its own holds that one run: every run starts within a chunk's length.
        _used = run.Length > chunkLength ? _chunks[_chunk].Length : _used + run.Length;
        return at;
    }

    public ReadOnlySpan<T> Get(int chunk, int start, int count) => count == 0 ? [] : _chunks[chunk].AsSpan(start, count);

    /// <summary>Clears what the last value wrote where its entries reference nodes, and lets go of chunks beyond what a pooled scanner keeps.</summary>
    public void Trim()
    {
        for (var i = 0; i < _chunks.Count && i <= _chunk; i++)
        {
            Clear(_chunks[i].AsSpan(0, i < _chunk ? _chunks[i].Length : _used));
        }

        for (var i = _chunks.Count - 1; i >= maxPooledChunks; i--)
        {
            Return(_chunks[i]);
            _chunks.RemoveAt(i);
        }

        // Reset lets go of the chunks of a single long run.
        Reset();
    }

    // Entries that reference nodes are cleared, so that a pooled chunk keeps no scanner alive; properties
    // hold numbers only and are written over (a held event's million of them are 16 MB to clear).
    private static void Clear(Span<T> entries)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            entries.Clear();
        }
    }

    private T[] Rent(int run) => run <= chunkLength ? chunks.Rent(chunkLength) : HeldArrays<T>.Rent(run);

    private void Return(T[] chunk)
    {
        if (chunk.Length == chunkLength)
        {
            chunks.Return(chunk);
        }
        else
        {
            HeldArrays<T>.Return(chunk, 0);
        }
    }
}
