using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TlpGateway.Filtering;

/// <summary>
/// The input bytes a filter holds: a window over the body, from the record being decided to what
/// has arrived. Small windows are pooled arrays (<see cref="HeldArrays{T}"/>). A window of a
/// megabyte or more (a held event of 20 MB) lives on Linux in an anonymous memory mapping instead,
/// which grows without copying (<c>mremap</c> moves page tables, not bytes), costs only the pages
/// written, gives back the pages behind the window as soon as the window moves on, and leaves
/// nothing behind when the answer ends: a managed array that grows by doubling costs up to twice
/// the event while it is held, once more while it is copied, and lingers on the large object heap
/// or in a pool after the answer.
/// </summary>
/// <remarks>
/// Spans and memory taken from the buffer are valid until it next grows, moves its window
/// (<see cref="Compact"/>) or is disposed, as for an array that is replaced; the filter reads none
/// across those calls.
/// </remarks>
internal sealed partial class HeldBuffer : IDisposable
{
    private const int SmallLength = 64 * 1024;

    /// <summary>From this length on, the window is mapped (where mappings are available).</summary>
    internal const int MappedFrom = 1024 * 1024;

    private static readonly bool CanMap = OperatingSystem.IsLinux();

    private byte[] _array = HeldArrays<byte>.Rent(SmallLength);
    private Mapping? _mapping;

    /// <summary>Whether the window is in a mapping (a large held record).</summary>
    internal bool IsMapped => _mapping is not null;

    public int Capacity => _mapping?.Length ?? _array.Length;

    /// <summary>The whole capacity; the caller knows how much of it is used.</summary>
    public Span<byte> Span => _mapping is { } mapping ? mapping.GetSpan() : _array;

    /// <summary>The whole capacity as memory, for the ranges a decided record refers to.</summary>
    public Memory<byte> Memory => _mapping is { } mapping ? mapping.Memory : _array;

    /// <summary>Makes room for at least <paramref name="needed"/> bytes, keeping the first <paramref name="used"/>.</summary>
    public void Grow(int used, int needed)
    {
        ObjectDisposedException.ThrowIf(_array.Length == 0 && _mapping is null, this);
        if (_mapping is { } mapping)
        {
            mapping.Resize(Math.Max(needed, (int)Math.Min(Array.MaxLength, 2L * mapping.Length)));
        }
        else if (CanMap && needed >= MappedFrom)
        {
            var mapped = new Mapping(Math.Max(needed, 2 * MappedFrom));
            _array.AsSpan(0, used).CopyTo(mapped.GetSpan());
            HeldArrays<byte>.Return(_array, 0);
            _array = [];
            _mapping = mapped;
        }
        else
        {
            HeldArrays<byte>.Grow(ref _array, used, needed);
        }
    }

    /// <summary>
    /// Drops the first <paramref name="drop"/> of the <paramref name="used"/> bytes: the rest moves to
    /// the front, and a mapping gives back the pages it no longer needs (all of them once what is
    /// left fits a small array again).
    /// </summary>
    public void Compact(int drop, int used)
    {
        var kept = used - drop;
        var span = Span;
        span.Slice(drop, kept).CopyTo(span);
        if (_mapping is { } mapping)
        {
            if (kept <= SmallLength)
            {
                _array = HeldArrays<byte>.Rent(SmallLength);
                span[..kept].CopyTo(_array);
                ((IDisposable)mapping).Dispose();
                _mapping = null;
            }
            else
            {
                mapping.Release(kept, used);
            }
        }
    }

    /// <summary>Whether the window should move now that <paramref name="drop"/> bytes before it are done with, though the buffer is not full.</summary>
    public bool ShouldCompact(int drop) => _mapping is not null && drop >= MappedFrom;

    public void Dispose()
    {
        if (_mapping is { } mapping)
        {
            ((IDisposable)mapping).Dispose();
            _mapping = null;
        }

        if (_array.Length > 0)
        {
            HeldArrays<byte>.Return(_array, 0);
            _array = [];
        }
    }

    /// <summary>
    /// A private anonymous mapping, reserved without swap (<c>MAP_NORESERVE</c>): untouched pages cost
    /// nothing. The handle unmaps it when the buffer is disposed, or when a filter abandoned after a
    /// failure is collected.
    /// </summary>
    private sealed unsafe class Mapping : MemoryManager<byte>
    {
        private static readonly nuint PageSize = (nuint)Environment.SystemPageSize;
        private readonly MappingHandle _handle;

        public Mapping(int length)
        {
            Length = RoundUp(length);
            var address = Native.mmap(0, (nuint)Length, Native.ProtRead | Native.ProtWrite, Native.MapPrivate | Native.MapAnonymous | Native.MapNoReserve, -1, 0);
            if (address == Native.MapFailed)
            {
                throw new OutOfMemoryException($"cannot map {Length} bytes for a held record (errno {Marshal.GetLastPInvokeError()})");
            }

            _handle = new MappingHandle(address, (nuint)Length);

            // Where the kernel lets a process ask (transparent huge pages "madvise"), a held record of
            // megabytes is written into 2 MB pages: one fault per 2 MB instead of 512 (best effort).
            _ = Native.madvise(address, (nuint)Length, Native.MadvHugePage);
        }

        public int Length { get; private set; }

        public void Resize(int length)
        {
            var rounded = RoundUp(length);
            var address = Native.mremap(_handle.DangerousGetHandle(), (nuint)Length, (nuint)rounded, Native.MremapMayMove);
            if (address == Native.MapFailed)
            {
                throw new OutOfMemoryException($"cannot grow a held record's mapping to {rounded} bytes (errno {Marshal.GetLastPInvokeError()})");
            }

            _handle.Moved(address, (nuint)rounded);
            Length = rounded;
        }

        /// <summary>Gives back the pages between the first <paramref name="kept"/> bytes and the <paramref name="used"/> ones, written before the window moved.</summary>
        public void Release(int kept, int used)
        {
            var from = RoundUp(kept);
            if (used - from >= MappedFrom)
            {
                // The pages read as zeros when next written to: nothing of the old window survives there.
                _ = Native.madvise(_handle.DangerousGetHandle() + from, (nuint)(RoundUp(used) - from), Native.MadvDontNeed);
            }
        }

        public override Span<byte> GetSpan() => new((void*)_handle.DangerousGetHandle(), Length);

        public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)_handle.DangerousGetHandle() + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing) => _handle.Dispose();

        private static int RoundUp(int length) => (int)Math.Min(Array.MaxLength, ((long)length + (long)PageSize - 1) / (long)PageSize * (long)PageSize);
    }

    private sealed class MappingHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private nuint _length;

        public MappingHandle(nint address, nuint length)
            : base(ownsHandle: true)
        {
            SetHandle(address);
            _length = length;
        }

        public void Moved(nint address, nuint length)
        {
            SetHandle(address);
            _length = length;
        }

        protected override bool ReleaseHandle() => Native.munmap(handle, _length) == 0;
    }

    private static partial class Native
    {
        public const int ProtRead = 0x1;
        public const int ProtWrite = 0x2;
        public const int MapPrivate = 0x02;
        public const int MapAnonymous = 0x20;
        public const int MapNoReserve = 0x4000;
        public const int MremapMayMove = 0x1;
        public const int MadvDontNeed = 4;
        public const int MadvHugePage = 14;
        public static readonly nint MapFailed = -1;

        [LibraryImport("libc", SetLastError = true)]
        public static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

        [LibraryImport("libc", SetLastError = true)]
        public static partial nint mremap(nint address, nuint oldLength, nuint newLength, int flags);

        [LibraryImport("libc", SetLastError = true)]
        public static partial int munmap(nint address, nuint length);

        [LibraryImport("libc", SetLastError = true)]
        public static partial int madvise(nint address, nuint length, int advice);
    }
}
