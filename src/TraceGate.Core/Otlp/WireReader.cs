using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// Protobuf wire format over one message held in memory (at most <see cref="ReadOptions.MaxMessageBytes"/>).
/// Every error carries the absolute byte offset in the file.
/// </summary>
internal ref struct WireReader
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int Len = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _buf;
    private readonly long _base;
    private readonly string _file;
    private int _pos;

    public WireReader(ReadOnlySpan<byte> buffer, long baseOffset, string file)
    {
        _buf = buffer;
        _base = baseOffset;
        _file = file;
        _pos = 0;
    }

    public readonly bool AtEnd => _pos >= _buf.Length;

    public readonly long Offset => _base + _pos;

    public readonly string File => _file;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        // Fast path: one byte.
        if (_pos < _buf.Length && _buf[_pos] < 0x80)
        {
            return _buf[_pos++];
        }

        return ReadVarintSlow();
    }

    private ulong ReadVarintSlow()
    {
        int start = _pos;
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _buf.Length)
            {
                throw Error(start, "the message ends inside a varint (truncated?)");
            }

            byte b = _buf[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Error(start, "a varint longer than 10 bytes");
    }

    /// <summary>Reads a tag; returns the field number and sets the wire type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadTag(out int wireType)
    {
        int start = _pos;
        ulong tag = ReadVarint();
        wireType = (int)(tag & 7);
        ulong field = tag >> 3;
        if (field == 0 || field > 536_870_911)
        {
            throw Error(start, $"invalid field number {field} (a corrupt or non-OTLP file?)");
        }

        return (int)field;
    }

    public ReadOnlySpan<byte> ReadLengthDelimited(out long startOffset)
    {
        int at = _pos;
        ulong len = ReadVarint();
        if (len > (ulong)(_buf.Length - _pos))
        {
            throw Error(at, $"a length prefix of {len} bytes runs past the end of its message ({_buf.Length - _pos} bytes left)");
        }

        startOffset = _base + _pos;
        var slice = _buf.Slice(_pos, (int)len);
        _pos += (int)len;
        return slice;
    }

    public ulong ReadFixed64()
    {
        if (_buf.Length - _pos < 8)
        {
            throw Error(_pos, "the message ends inside a fixed64 field");
        }

        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_buf[_pos..]);
        _pos += 8;
        return v;
    }

    public uint ReadFixed32()
    {
        if (_buf.Length - _pos < 4)
        {
            throw Error(_pos, "the message ends inside a fixed32 field");
        }

        uint v = BinaryPrimitives.ReadUInt32LittleEndian(_buf[_pos..]);
        _pos += 4;
        return v;
    }

    public void Skip(int wireType, int field)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: ReadFixed64(); break;
            case Len: ReadLengthDelimited(out _); break;
            case Fixed32: ReadFixed32(); break;
            default: throw Error(_pos, $"field {field} has wire type {wireType} (groups are not used by OTLP)");
        }
    }

    /// <summary>Fails unless a known field has the wire type the OTLP schema gives it.</summary>
    public readonly void Expect(int wireType, int expected, string fieldName)
    {
        if (wireType != expected)
        {
            throw Error(_pos, $"field {fieldName} has wire type {wireType}, expected {expected} (not an OTLP trace message?)");
        }
    }

    public readonly TraceInputException Error(int position, string message) =>
        new($"{_file}: byte offset {_base + position}: {message}");

    public readonly TraceInputException ErrorHere(string message) => Error(_pos, message);
}
