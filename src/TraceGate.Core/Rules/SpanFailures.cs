namespace TraceGate.Core.Rules;

/// <summary>
/// Where a <see cref="SpanCheck"/> records the ways one span fails it: one bit per failure in the judgement's bit set
/// (from the check's first failure number), and the problems' texts only when a run asked for them.
/// </summary>
public ref struct SpanFailures
{
    private readonly Span<ulong> _bits;
    private readonly int _offset;
    private readonly List<string>? _texts;

    internal SpanFailures(Span<ulong> bits, int offset, List<string>? texts)
    {
        _bits = bits;
        _offset = offset;
        _texts = texts;
    }

    /// <summary>Some failure was recorded.</summary>
    public bool Failed { get; private set; }

    /// <summary>Records failure <paramref name="failure"/> (an index into the check's <see cref="SpanCheck.Failures"/>).
    /// Returns whether texts are wanted: the check then writes the problem's text with <see cref="Write"/>.</summary>
    public bool Fail(int failure)
    {
        int bit = _offset + failure;
        _bits[bit >> 6] |= 1UL << (bit & 63);
        Failed = true;
        return _texts is not null;
    }

    /// <summary>The text of the problem just recorded; call only when <see cref="Fail"/> returned true.</summary>
    public readonly void Write(string text) => _texts!.Add(text);
}
