using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>A forward-only reader over a stream that knows its byte offset (a long: files over 2 GiB work).</summary>
internal sealed class StreamCursor(Stream stream, string file)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _pos;
    private int _len;

    public long Offset { get; private set; }

    public string File => file;

    public bool AtEnd => !Fill(1);

    public int ReadByte()
    {
        if (!Fill(1))
        {
            return -1;
        }

        Offset++;
        return _buffer[_pos++];
    }

    /// <summary>Reads a varint; null at a clean end of input.</summary>
    public ulong? ReadVarint()
    {
        long start = Offset;
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = ReadByte();
            if (b < 0)
            {
                if (shift == 0)
                {
                    return null;
                }

                throw Error(start, "the input ends inside a varint");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw Error(start, "a varint longer than 10 bytes");
    }

    /// <summary>Copies exactly <paramref name="count"/> bytes; returns how many were available.</summary>
    public int Read(Span<byte> destination)
    {
        int copied = 0;
        while (copied < destination.Length)
        {
            if (_pos == _len && !Fill(1))
            {
                break;
            }

            int n = Math.Min(_len - _pos, destination.Length - copied);
            _buffer.AsSpan(_pos, n).CopyTo(destination[copied..]);
            _pos += n;
            copied += n;
            Offset += n;
        }

        return copied;
    }

    public long Skip(long count)
    {
        long skipped = 0;
        while (skipped < count)
        {
            if (_pos == _len && !Fill(1))
            {
                break;
            }

            int n = (int)Math.Min(_len - _pos, count - skipped);
            _pos += n;
            skipped += n;
            Offset += n;
        }

        return skipped;
    }

    public TraceInputException Error(long offset, string message) => new($"{file}: byte offset {offset}: {message}");

    private bool Fill(int need)
    {
        if (_len - _pos >= need)
        {
            return true;
        }

        if (_pos > 0)
        {
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, _len - _pos);
            _len -= _pos;
            _pos = 0;
        }

        while (_len < need)
        {
            int n = stream.Read(_buffer, _len, _buffer.Length - _len);
            if (n <= 0)
            {
                return false;
            }

            _len += n;
        }

        return true;
    }
}
