using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TraceGate.Core.Otlp;

/// <summary>
/// The JSON tokenizer under <see cref="OtlpJsonFastPath"/>: a cursor over one chunk of whole lines in memory that
/// validates what it reads or skips as strictly as <c>Utf8JsonReader</c> does, and gives up (throws
/// <see cref="GiveUp"/>) on anything it does not handle the common way, so the caller can read the chunk again the
/// exact way. It knows JSON, not OTLP. A base class rather than a field of the walk: the walk reads the cursor on
/// every token, and inherited fields and non-virtual calls compile to the same loads and inlined code as before.
/// </summary>
internal abstract class JsonChunkTokenizer
{
    /// <summary>Utf8JsonReader's depth limit as TraceGate configures it (JsonFeed.Options).</summary>
    private const int MaxDepth = 64;

    /// <summary>What ends the plain run of a JSON string: its quote, an escape, or a control character (invalid).</summary>
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private protected static readonly GiveUp Abandon = new();

    private byte[] _b = [];
    private int _i;
    private int _n;
    private int _depth;

    /// <summary>Puts the cursor at the start of <paramref name="length"/> bytes of <paramref name="chunk"/>.</summary>
    private protected void Start(byte[] chunk, int length)
    {
        _b = chunk;
        _n = length;
        _i = 0;
        _depth = 0;
    }

    /// <summary>Where the cursor is, from the start of the chunk.</summary>
    private protected int Position
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _i;
    }

    /// <summary>Whether bytes are left after the cursor.</summary>
    private protected bool More
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _i < _n;
    }

    // ---- values ----

    /// <summary>A string without escapes, as raw bytes; an escaped one is left to the exact reader.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected ReadOnlySpan<byte> ReadPlainString()
    {
        if (Cur != (byte)'"')
        {
            throw Abandon;
        }

        int start = _i + 1;
        int stop = StringStop(start);
        if (stop < 0 || _b[start + stop] != (byte)'"')
        {
            throw Abandon;
        }

        _i = start + stop + 1;
        return _b.AsSpan(start, stop);
    }

    /// <summary>How far from <paramref name="from"/> the next quote, backslash or control character is; -1 if
    /// none. Keys and values here are mostly under 16 bytes, where one 16-byte compare beats a general search.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int StringStop(int from)
    {
        if (Vector128.IsHardwareAccelerated && from + Vector128<byte>.Count <= _n)
        {
            var v = Vector128.LoadUnsafe(ref _b[from]);
            var stops = Vector128.Equals(v, Vector128.Create((byte)'"')) | Vector128.Equals(v, Vector128.Create((byte)'\\'))
                | Vector128.LessThan(v, Vector128.Create((byte)0x20));
            uint bits = stops.ExtractMostSignificantBits();
            if (bits != 0)
            {
                return BitOperations.TrailingZeroCount(bits);
            }

            int rest = _b.AsSpan(from + Vector128<byte>.Count, _n - from - Vector128<byte>.Count).IndexOfAny(StringStops);
            return rest < 0 ? -1 : rest + Vector128<byte>.Count;
        }

        return _b.AsSpan(from, _n - from).IndexOfAny(StringStops);
    }

    private protected static bool AllDigits(ReadOnlySpan<byte> s) => s.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    /// <summary>A JSON number, checked against the grammar; its bytes.</summary>
    private protected ReadOnlySpan<byte> NumberToken()
    {
        int start = _i;
        if (Cur == (byte)'-')
        {
            _i++;
        }

        if (Cur == (byte)'0')
        {
            _i++;
        }
        else if (IsDigit(Cur))
        {
            while (IsDigit(Cur))
            {
                _i++;
            }
        }
        else
        {
            throw Abandon;
        }

        if (Cur == (byte)'.')
        {
            _i++;
            if (!IsDigit(Cur))
            {
                throw Abandon;
            }

            while (IsDigit(Cur))
            {
                _i++;
            }
        }

        if ((Cur | 0x20) == (byte)'e')
        {
            _i++;
            if (Cur is (byte)'+' or (byte)'-')
            {
                _i++;
            }

            if (!IsDigit(Cur))
            {
                throw Abandon;
            }

            while (IsDigit(Cur))
            {
                _i++;
            }
        }

        // A number must end at a delimiter ("1x" is not a number followed by x).
        if (_i < _n && !(IsWhitespace(Cur) || Cur is (byte)',' or (byte)'}' or (byte)']'))
        {
            throw Abandon;
        }

        return _b.AsSpan(start, _i - start);
    }

    private protected bool Literal(ReadOnlySpan<byte> word)
    {
        if (!_b.AsSpan(_i, Math.Min(word.Length, _n - _i)).SequenceEqual(word))
        {
            return false;
        }

        int end = _i + word.Length;
        if (end < _n && !(IsWhitespace(_b[end]) || _b[end] is (byte)',' or (byte)'}' or (byte)']'))
        {
            throw Abandon;
        }

        _i = end;
        return true;
    }

    /// <summary>Skips one value, validating it as Utf8JsonReader would.</summary>
    private protected void SkipValue()
    {
        switch (Cur)
        {
            case (byte)'"':
                SkipString();
                break;
            case (byte)'{':
                BeginObject();
                var p10 = true;
                while (NextProperty(ref p10, out _))
                {
                    SkipValue();
                }

                break;
            case (byte)'[':
                if (BeginArray())
                {
                    for (var e8 = true; NextElement(ref e8);)
                    {
                        SkipValue();
                    }
                }

                break;
            case (byte)'t':
                if (!Literal("true"u8))
                {
                    throw Abandon;
                }

                break;
            case (byte)'f':
                if (!Literal("false"u8))
                {
                    throw Abandon;
                }

                break;
            case (byte)'n':
                if (!Literal("null"u8))
                {
                    throw Abandon;
                }

                break;
            default:
                NumberToken();
                break;
        }
    }

    private void SkipString()
    {
        int i = _i + 1;
        while (true)
        {
            int stop = StringStop(i);
            if (stop < 0)
            {
                throw Abandon;
            }

            i += stop;
            byte c = _b[i];
            if (c == (byte)'"')
            {
                _i = i + 1;
                return;
            }

            if (c != (byte)'\\')
            {
                throw Abandon; // a raw control character
            }

            byte e = At(i + 1);
            if (e == (byte)'u')
            {
                if (!IsHex(At(i + 2)) || !IsHex(At(i + 3)) || !IsHex(At(i + 4)) || !IsHex(At(i + 5)))
                {
                    throw Abandon;
                }

                i += 6;
            }
            else if (e is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
            {
                i += 2;
            }
            else
            {
                throw Abandon;
            }
        }
    }

    // ---- structure ----

    private protected void BeginObject()
    {
        if (Cur != (byte)'{' || ++_depth > MaxDepth)
        {
            throw Abandon;
        }

        _i++;
    }

    /// <summary>After BeginObject (<paramref name="first"/> true) or after a value: the next property's name, with
    /// the cursor on its value; false, past the brace, at the object's end.</summary>
    private protected bool NextProperty(ref bool first, out ReadOnlySpan<byte> key)
    {
        // Written for compact JSON (what exporters write): each whitespace skip is taken only when there is some.
        byte c = Cur;
        if (IsWhitespace(c))
        {
            SkipWhitespace();
            c = Cur;
        }

        if (c == (byte)'}')
        {
            _i++;
            _depth--;
            key = default;
            return false;
        }

        if (first)
        {
            first = false;
        }
        else
        {
            if (c != (byte)',')
            {
                throw Abandon;
            }

            _i++;
            c = Cur;
            if (IsWhitespace(c))
            {
                SkipWhitespace();
                c = Cur;
            }
        }

        // The key: a string without escapes ('}' after a comma, a trailing comma, is not a quote and gives up).
        key = ReadPlainString();
        c = Cur;
        if (c != (byte)':')
        {
            SkipWhitespace();
            if (Cur != (byte)':')
            {
                throw Abandon;
            }
        }

        _i++;
        if (IsWhitespace(Cur))
        {
            SkipWhitespace();
        }

        return true;
    }

    /// <summary>At a value that must be an array or null; true for an array (then iterate with NextElement).</summary>
    private protected bool BeginArray()
    {
        if (Cur == (byte)'[')
        {
            if (++_depth > MaxDepth)
            {
                throw Abandon;
            }

            _i++;
            return true;
        }

        if (Literal("null"u8))
        {
            return false;
        }

        throw Abandon;
    }

    /// <summary>Moves to the next element, the cursor on it; false, past the bracket, at the array's end.</summary>
    private protected bool NextElement(ref bool first)
    {
        SkipWhitespace();
        if (Cur == (byte)']')
        {
            _i++;
            _depth--;
            return false;
        }

        if (first)
        {
            first = false;
            return true;
        }

        if (Cur != (byte)',')
        {
            throw Abandon;
        }

        _i++;
        SkipWhitespace();
        if (Cur == (byte)']')
        {
            throw Abandon; // a trailing comma
        }

        return true;
    }

    /// <summary>The byte at the cursor; 0 past the end, which no rule accepts, so the pooled buffer's stale bytes
    /// after the chunk are never read as JSON.</summary>
    private protected byte Cur
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _i < _n ? _b[_i] : (byte)0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte At(int i) => i < _n ? _b[i] : (byte)0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void SkipWhitespace()
    {
        while (_i < _n && IsWhitespace(_b[_i]))
        {
            _i++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsWhitespace(byte c) => c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    private static bool IsHex(byte c) => IsDigit(c) || (uint)((c | 0x20) - 'a') <= 5;

    /// <summary>Thrown to abandon the chunk; one instance, since it carries nothing.</summary>
    private protected sealed class GiveUp : Exception;
}