using System.Buffers;
using System.Text.Json;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// Feeds a <see cref="Utf8JsonReader"/> from a stream through one bounded buffer: when the reader runs out
/// mid-token, the unread tail is kept, the buffer refilled, and a new reader resumes from the saved state.
/// Tracks lines so that errors can name them.
/// </summary>
internal sealed class JsonFeed : IDisposable
{
    private readonly Stream _stream;
    private readonly string _file;
    private readonly int _maxToken;
    private byte[] _buffer;
    private int _length;
    private bool _final;
    private long _consumedBefore;
    private long _linesBefore;

    /// <param name="baseOffset">Where the stream starts in the file, and <paramref name="baseLine"/> how many lines
    /// come before it, so errors name the place in the file when a chunk of it is read.</param>
    public JsonFeed(Stream stream, string file, int maxToken, long baseOffset = 0, long baseLine = 0)
    {
        _stream = stream;
        _consumedBefore = baseOffset;
        _linesBefore = baseLine;
        _file = file;
        _maxToken = maxToken;
        _buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        Fill();
    }

    public static readonly JsonReaderOptions Options = new()
    {
        // JSON lines (the Collector's file exporter) are values one after another.
        AllowMultipleValues = true,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
    };

    public Utf8JsonReader Start() => new(_buffer.AsSpan(0, _length), _final, new JsonReaderState(Options));

    public bool Read(ref Utf8JsonReader reader)
    {
        while (true)
        {
            try
            {
                if (reader.Read())
                {
                    return true;
                }
            }
            catch (JsonException e)
            {
                throw Error(ref reader, "malformed JSON: " + Trim(e.Message));
            }

            if (_final)
            {
                return false;
            }

            Refill(ref reader);
        }
    }

    /// <summary>Skips the value the reader is on (after a property name or at a start token).</summary>
    public void Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            Next(ref reader, "a value");
        }

        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        // The reader's own skip when the whole value is already buffered; token by token (refilling) otherwise.
        // TrySkip reads, so malformed JSON inside the value throws here too, as an input error like any other.
        try
        {
            if (reader.TrySkip())
            {
                return;
            }
        }
        catch (JsonException e)
        {
            throw Error(ref reader, "malformed JSON: " + Trim(e.Message));
        }

        int depth = reader.CurrentDepth;
        do
        {
            Next(ref reader, "the end of an object or array");
        }
        while (reader.CurrentDepth > depth || reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray));
    }

    public void Next(ref Utf8JsonReader reader, string expected)
    {
        if (!Read(ref reader))
        {
            throw Error(ref reader, $"the JSON ends early: expected {expected} (truncated file?)");
        }
    }

    public TraceInputException Error(ref Utf8JsonReader reader, string message)
    {
        long offset = _consumedBefore + reader.TokenStartIndex;
        long line = _linesBefore + 1 + _buffer.AsSpan(0, (int)Math.Min(reader.TokenStartIndex, _length)).Count((byte)'\n');
        return new TraceInputException($"{_file}: line {line} (byte offset {offset}): {message}");
    }

    public long OffsetOf(ref Utf8JsonReader reader) => _consumedBefore + reader.TokenStartIndex;

    private void Refill(ref Utf8JsonReader reader)
    {
        int consumed = (int)reader.BytesConsumed;
        _linesBefore += _buffer.AsSpan(0, consumed).Count((byte)'\n');
        _consumedBefore += consumed;
        int rest = _length - consumed;
        Buffer.BlockCopy(_buffer, consumed, _buffer, 0, rest);
        _length = rest;
        if (_length == _buffer.Length)
        {
            // One token fills the whole buffer: grow, up to the limit.
            if (_buffer.Length >= _maxToken)
            {
                throw new TraceInputException($"{_file}: byte offset {_consumedBefore}: a single JSON token is over {_maxToken / (1024 * 1024)} MiB");
            }

            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _maxToken));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _length);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var state = reader.CurrentState;
        Fill();
        reader = new Utf8JsonReader(_buffer.AsSpan(0, _length), _final, state);
    }

    private void Fill()
    {
        while (_length < _buffer.Length)
        {
            int n = _stream.Read(_buffer, _length, _buffer.Length - _length);
            if (n <= 0)
            {
                _final = true;
                return;
            }

            _length += n;
        }
    }

    private static string Trim(string message)
    {
        int i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return i > 0 ? message[..i].TrimEnd('.', ' ') : message;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
