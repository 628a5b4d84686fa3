using System.Buffers;
using System.Runtime.CompilerServices;

namespace TlpGateway.Filtering;

/// <summary>
/// The arrays that hold a unit while it is decided: its bytes below a megabyte (above, on Linux, a
/// mapping: <see cref="HeldBuffer"/>), and the scan's arenas. Small ones come from the shared pool.
/// Large ones (a held event of megabytes, an object of thousands of names) come from a pool of their own
/// that keeps at most <see cref="LargeArraysPerSize"/> arrays of each size: the shared pool keeps
/// one per thread and several per core, which let the process keep a dozen copies of a 20 MB event
/// after a few large answers, and a large array left to the garbage collector is reclaimed only by
/// a full collection, which let the heap grow by a whole held event per request.
/// </summary>
internal static class HeldArrays<T>
{
    /// <summary>From this size on, an array is large (below the large object heap's threshold, so small arrays stay cheap to collect).</summary>
    public static readonly int LargeLength = Math.Max(1, 64 * 1024 / Unsafe.SizeOf<T>());

    /// <summary>As many large arrays of one size as answers that hold a large event at once are expected to need.</summary>
    private const int LargeArraysPerSize = 2;

    private static readonly ArrayPool<T> Large = ArrayPool<T>.Create(Array.MaxLength, LargeArraysPerSize);

    public static T[] Rent(int minimumLength) => minimumLength < LargeLength ? ArrayPool<T>.Shared.Rent(minimumLength) : Large.Rent(minimumLength);

    /// <summary>Gives an array back; <paramref name="used"/> entries are cleared first when they may hold references.</summary>
    public static void Return(T[] array, int used)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            array.AsSpan(0, used).Clear();
        }

        if (array.Length < LargeLength)
        {
            ArrayPool<T>.Shared.Return(array);
        }
        else
        {
            Large.Return(array);
        }
    }

    /// <summary>An array of at least <paramref name="needed"/> entries holding the first <paramref name="used"/> of <paramref name="array"/>, which goes back.</summary>
    public static void Grow(ref T[] array, int used, int needed)
    {
        var larger = Rent(Math.Max(array.Length * 2, needed));
        array.AsSpan(0, used).CopyTo(larger);
        Return(array, used);
        array = larger;
    }
}
