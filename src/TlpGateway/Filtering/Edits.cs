using System.Buffers;
using System.Globalization;
using System.Text.Json;
using TlpGateway.Shapes;

namespace TlpGateway.Filtering;

/// <summary>
/// The changes the decision makes to one held record, as byte ranges of its input: removals,
/// replacements and insertions, applied when the record is written. Everything not edited is
/// copied as it came, so a released record costs a copy, not a re-serialisation.
/// </summary>
internal sealed class Edits
{
    private readonly List<Edit> _edits = [];

    // The properties to remove, by object (by key, and by position for names no key stands for): placed at once when the
    // decision ends (CompleteRemovals), so that two parts of the decision removing neighbours of one object take one comma
    // each, not the same one.
    private readonly Dictionary<Node, (KeySet Keys, HashSet<int>? Positions)> _propRemovals = new(ReferenceEqualityComparer.Instance);
    private readonly ArrayBufferWriter<byte> _replacements = new(1024);

    /// <summary>A removal (no replacement) or a replacement written at <c>ReplacementStart</c> of the replacements buffer.</summary>
    private readonly record struct Edit(int Start, int End, int ReplacementStart, int ReplacementLength);

    public int Count => _edits.Count + _propRemovals.Count;

    /// <summary>Where a replacement is composed before <see cref="CommitReplacement"/> takes it (e.g. by a <see cref="Utf8JsonWriter"/>).</summary>
    public IBufferWriter<byte> Scratch => _replacements;

    public void Clear()
    {
        _edits.Clear();
        _propRemovals.Clear();
        _replacements.ResetWrittenCount();
    }

    /// <summary>Starts a replacement composed in <see cref="Scratch"/>; <see cref="CommitReplacement"/> ends it.</summary>
    public int BeginReplacement() => _replacements.WrittenCount;

    /// <summary>Replaces <c>[start, end)</c> by what was written to <see cref="Scratch"/> since <paramref name="mark"/>.</summary>
    public void CommitReplacement(int start, int end, int mark) =>
        _edits.Add(new Edit(start, end, mark, _replacements.WrittenCount - mark));

    /// <summary>
    /// Replaces the whole value <c>[start, end)</c>, written anew, in place of the edits made inside it
    /// so far (a list emptied to <c>[]</c>): an edit of the same range would leave which one is written to chance.
    /// </summary>
    public void CommitReplacementOver(int start, int end, int mark)
    {
        _edits.RemoveAll(edit => edit.Start >= start && edit.End <= end);
        CommitReplacement(start, end, mark);
    }

    public void Replace(int start, int end, ReadOnlySpan<byte> replacement)
    {
        _edits.Add(new Edit(start, end, _replacements.WrittenCount, replacement.Length));
        _replacements.Write(replacement);
    }

    public void Insert(int at, ReadOnlySpan<byte> bytes) => Replace(at, at, bytes);

    public void ReplaceValue(in Prop prop, ReadOnlySpan<byte> replacement) => Replace(prop.ValueStart, prop.ValueEnd, replacement);

    /// <summary>Replaces a property's value by a number, quoted as MISP writes most numbers, or bare.</summary>
    public void ReplaceNumber(in Prop prop, int value, bool quoted)
    {
        Span<byte> text = stackalloc byte[16];
        value.TryFormat(text[1..], out var length, default, CultureInfo.InvariantCulture);
        if (quoted)
        {
            text[0] = (byte)'"';
            text[length + 1] = (byte)'"';
            ReplaceValue(prop, text[..(length + 2)]);
        }
        else
        {
            ReplaceValue(prop, text.Slice(1, length));
        }
    }

    /// <summary>
    /// Removes the elements of a list (an array or an object-list) that carry <paramref name="mark"/>;
    /// a list left with none is written <c>[]</c>, as MISP writes an empty list.
    /// </summary>
    public void RemoveMarked(Node list, int mark)
    {
        var removed = 0;
        foreach (var item in list.Items)
        {
            removed += item.RemovedMark == mark ? 1 : 0;
        }

        if (removed == 0)
        {
            return;
        }

        if (removed == list.Items.Length)
        {
            Replace(list.Start, list.End, "[]"u8);
            return;
        }

        RemoveElements(list.Source.Span, new ItemElements(list, mark));
    }

    /// <summary>Removes the properties of <paramref name="holder"/> whose key is in <paramref name="keys"/>.</summary>
    public void RemoveProps(Node holder, KeySet keys)
    {
        if (holder.Keys.Overlaps(keys))
        {
            _propRemovals[holder] = _propRemovals.TryGetValue(holder, out var earlier) ? (earlier.Keys.Union(keys), earlier.Positions) : (keys, null);
        }
    }

    /// <summary>Removes property <paramref name="index"/> of <paramref name="holder"/> (one under a name no key stands for), with the others <see cref="RemoveProps"/> was given.</summary>
    public void RemovePropAt(Node holder, int index)
    {
        var (keys, positions) = _propRemovals.TryGetValue(holder, out var earlier) ? earlier : (default, null);
        positions ??= [];
        positions.Add(index);
        _propRemovals[holder] = (keys, positions);
    }

    /// <summary>
    /// Whether the removals given so far (<see cref="RemoveProps"/>, <see cref="RemovePropAt"/>) leave
    /// <paramref name="holder"/> with no property: every one the scan recorded goes, and it recorded them all.
    /// </summary>
    public bool RemovesEveryProperty(Node holder)
    {
        if (holder.HasUnrecorded || holder.Props.Length == 0 || !_propRemovals.TryGetValue(holder, out var removal))
        {
            return false;
        }

        var elements = new PropElements(holder, removal.Keys, removal.Positions);
        for (var i = 0; i < elements.Count; i++)
        {
            if (!elements.Removed(i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Places the properties <see cref="RemoveProps"/> was given, each object's at once, as ranges of the input (the decision's last step).</summary>
    public void CompleteRemovals()
    {
        foreach (var (holder, (keys, positions)) in _propRemovals)
        {
            RemoveElements(holder.Source.Span, new PropElements(holder, keys, positions));
        }

        _propRemovals.Clear();
    }

    /// <summary>Removes the properties of <paramref name="holder"/> at <paramref name="positions"/> (an object keyed by UUIDs).</summary>
    public void RemovePropsAt(Node holder, IReadOnlyCollection<int> positions)
    {
        if (positions.Count > 0)
        {
            RemoveElements(holder.Source.Span, new PositionElements(holder, positions));
        }
    }

    /// <summary>Writes <paramref name="input"/> with the edits applied to <paramref name="output"/>.</summary>
    public void Emit(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        var cursor = BeginEmit();
        EmitSlice(input, output, ref cursor, int.MaxValue);
    }

    /// <summary>
    /// Orders the edits for <see cref="EmitSlice"/> and checks them first, so that a record whose
    /// first slices have left cannot fail after them; the cursor starts at the input's first byte.
    /// </summary>
    public EmitCursor BeginEmit()
    {
        if (_propRemovals.Count > 0)
        {
            throw new InvalidOperationException("The removals of the record were not completed while its scan was there.");
        }

        _edits.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        var covered = 0;
        foreach (var edit in _edits)
        {
            // Edits inside something already removed or replaced: the outer edit wins, unless they truly overlap.
            if (edit.Start < covered && edit.End > covered)
            {
                throw new FilterException("overlapping edits");
            }

            covered = Math.Max(covered, edit.End);
        }

        return default;
    }

    /// <summary>
    /// Writes the next part of <paramref name="input"/> with the edits applied: about
    /// <paramref name="budget"/> bytes of input (an edit is never split). True once all is written.
    /// </summary>
    public bool EmitSlice(ReadOnlySpan<byte> input, IBufferWriter<byte> output, ref EmitCursor cursor, int budget)
    {
        var replacements = _replacements.WrittenSpan;
        var stop = (int)Math.Min(input.Length, (long)cursor.Position + budget);
        while (cursor.Edit < _edits.Count)
        {
            var edit = _edits[cursor.Edit];
            if (edit.Start < cursor.Position)
            {
                // Inside an edit already written (BeginEmit refused true overlaps).
                cursor.Edit++;
                continue;
            }

            if (edit.Start > stop)
            {
                // The budget is spent (an edit written before may have gone past it).
                var to = Math.Max(cursor.Position, stop);
                output.Write(input[cursor.Position..to]);
                cursor.Position = to;
                return false;
            }

            output.Write(input[cursor.Position..edit.Start]);
            output.Write(replacements.Slice(edit.ReplacementStart, edit.ReplacementLength));
            cursor.Position = edit.End;
            cursor.Edit++;
        }

        var end = Math.Max(cursor.Position, stop);
        output.Write(input[cursor.Position..end]);
        cursor.Position = end;
        return end == input.Length;
    }

    /// <summary>How far <see cref="EmitSlice"/> has written: the next input byte and the next edit.</summary>
    internal struct EmitCursor
    {
        public int Position;
        public int Edit;
    }

    /// <summary>
    /// Removes elements of an array or properties of an object with their separators, so the rest
    /// stays valid JSON: an element that a kept one follows goes with the comma after it, any other
    /// with the comma before it. The separators are found in the input rather than from the
    /// neighbours, so the properties the scan did not record (<see cref="Node.HasUnrecorded"/>) stay,
    /// and count as kept.
    /// </summary>
    private void RemoveElements<T>(ReadOnlySpan<byte> source, T elements)
        where T : struct, IElements
    {
        var keptLater = false;
        for (var i = elements.Count - 1; i >= 0; i--)
        {
            if (!elements.Removed(i))
            {
                keptLater = true;
                continue;
            }

            // Where what follows this element's comma starts; -1 where the container closes after it.
            // (Read only for a removed element: the bytes of a held event's kept ones are far apart.)
            var next = AfterComma(source, elements.End(i));
            if (next >= 0 && (i == elements.Count - 1 || next != elements.Start(i + 1)))
            {
                // An unrecorded property follows.
                keptLater = true;
            }

            _edits.Add(keptLater
                ? new Edit(elements.Start(i), next, 0, 0)
                : new Edit(BeforeComma(source, elements.Start(i)), elements.End(i), 0, 0));
        }
    }

    /// <summary>The start of the value or name after the comma that follows <paramref name="end"/>, or -1 when a bracket closes there.</summary>
    private static int AfterComma(ReadOnlySpan<byte> source, int end)
    {
        var at = end + source[end..].IndexOfAnyExcept(JsonTokenizer.Whitespace);
        if (source[at] != (byte)',')
        {
            return -1;
        }

        at++;
        return at + source[at..].IndexOfAnyExcept(JsonTokenizer.Whitespace);
    }

    /// <summary>The end of the value before the comma that precedes <paramref name="start"/>; <paramref name="start"/> itself after an opening bracket.</summary>
    private static int BeforeComma(ReadOnlySpan<byte> source, int start)
    {
        var at = source[..start].LastIndexOfAnyExcept(JsonTokenizer.Whitespace);
        return source[at] == (byte)',' ? source[..at].LastIndexOfAnyExcept(JsonTokenizer.Whitespace) + 1 : start;
    }

    /// <summary>The elements of an array or object, as <see cref="RemoveElements"/> sees them.</summary>
    private interface IElements
    {
        int Count { get; }

        int Start(int index);

        int End(int index);

        bool Removed(int index);
    }

    private readonly struct ItemElements(Node list, int mark) : IElements
    {
        public int Count => list.Items.Length;

        public int Start(int index) => list.Items[index].ElementStart;

        public int End(int index) => list.Items[index].End;

        public bool Removed(int index) => list.Items[index].RemovedMark == mark;
    }

    private readonly struct PositionElements(Node holder, IReadOnlyCollection<int> positions) : IElements
    {
        public int Count => holder.Props.Length;

        public int Start(int index) => holder.NameStart(holder.Props[index]);

        public int End(int index) => holder.Props[index].ValueEnd;

        public bool Removed(int index) => positions.Contains(index);
    }

    private readonly struct PropElements(Node holder, KeySet keys, HashSet<int>? positions) : IElements
    {
        public int Count => holder.Props.Length;

        public int Start(int index) => holder.NameStart(holder.Props[index]);

        public int End(int index) => holder.Props[index].ValueEnd;

        public bool Removed(int index) => (KeyNames.IsNamed(holder.Props[index].Key) && keys.Contains(holder.Props[index].Key)) || positions?.Contains(index) == true;
    }
}
