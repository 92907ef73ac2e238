using System.Buffers.Text;
using System.Text.Json;
using TraceGate.Core.Traces;

namespace TraceGate.Core.TraceFormats;

/// <summary>
/// One whole JSON document in memory, walked with <see cref="Utf8JsonReader"/> (no reflection, AOT clean). The
/// Jaeger, Zipkin and Tempo shapes need the whole document: Jaeger puts <c>processes</c> after the spans that
/// name them, and detection must see every top-level key before it names a format. Every error names the file,
/// the line and the byte offset.
/// </summary>
public sealed class JsonText
{
    private readonly byte[] _bytes;

    public JsonText(byte[] bytes, int length, string file)
    {
        _bytes = bytes;
        Length = length;
        File = file;
        // A UTF-8 byte order mark (Windows editors write one) is not JSON: readers start after it, and offsets
        // still count it, so they name the place in the file.
        Origin = Bytes.StartsWith("\uFEFF"u8) ? 3 : 0;
    }

    /// <summary>Where the JSON starts in the file: 3 after a byte order mark, else 0. Reader positions are relative
    /// to it; <see cref="Error(long, string)"/> adds it back.</summary>
    public int Origin { get; }

    public static readonly JsonReaderOptions Options = new()
    {
        AllowMultipleValues = true,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
    };

    public string File { get; }

    public int Length { get; }

    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _bytes.AsMemory(0, Length);

    /// <summary>Reads a whole stream, refusing more than <paramref name="maxBytes"/>.</summary>
    public static JsonText ReadAll(Stream input, string file, long maxBytes)
    {
        var buffer = new byte[64 * 1024];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length >= maxBytes)
                {
                    throw new TraceInputException($"{file}: over {maxBytes / (1024 * 1024)} MiB: Jaeger, Zipkin and Tempo JSON are read whole, and this one is too large (split it, or export OTLP, which is streamed)");
                }

                Array.Resize(ref buffer, (int)Math.Min(Math.Min((long)buffer.Length * 2, maxBytes), Array.MaxLength));
            }

            int n = input.Read(buffer, length, buffer.Length - length);
            if (n <= 0)
            {
                return new JsonText(buffer, length, file);
            }

            length += n;
        }
    }

    /// <summary>A read-only stream over part of the file (<paramref name="start"/> counted from the file's start),
    /// for a reader that streams (OTLP inside a wrapper).</summary>
    public Stream Slice(int start, int length) => new MemoryStream(_bytes, start, length, writable: false);

    /// <summary>How many lines come before <paramref name="offset"/> (counted from the file's start).</summary>
    public long LinesBefore(int offset) => Bytes[..Math.Clamp(offset, 0, Length)].Count((byte)'\n');

    /// <summary>After a property name: the byte range of its value in the file, leaving the reader at the value's end.</summary>
    public (int Start, int Length) ValueRange(ref Utf8JsonReader r, string what)
    {
        Next(ref r, what);
        int start = (int)r.TokenStartIndex;
        if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            Skip(ref r);
        }

        return (start + Origin, (int)r.BytesConsumed - start);
    }

    public Utf8JsonReader Reader() => new(Bytes[Origin..], isFinalBlock: true, new JsonReaderState(Options));

    /// <summary>An input error at a reader position (relative to <see cref="Origin"/>).</summary>
    public TraceInputException Error(long offset, string message)
    {
        offset = Math.Clamp(offset + Origin, 0, Length);
        long line = 1 + Bytes[..(int)offset].Count((byte)'\n');
        return new TraceInputException($"{File}: line {line} (byte offset {offset}): {message}");
    }

    public TraceInputException Error(ref Utf8JsonReader r, string message) => Error(r.TokenStartIndex, message);

    /// <summary>Reads the next token; false at the end of the input. Malformed JSON is an input error.</summary>
    public bool Read(ref Utf8JsonReader r)
    {
        try
        {
            return r.Read();
        }
        catch (JsonException e)
        {
            throw Error(r.BytesConsumed, "malformed JSON: " + Trim(e.Message));
        }
    }

    public void Next(ref Utf8JsonReader r, string expected)
    {
        if (!Read(ref r))
        {
            throw Error(Length, $"the JSON ends early: expected {expected} (truncated file?)");
        }
    }

    /// <summary>Skips the value after a property name, or the object or array the reader stands on.</summary>
    public void Skip(ref Utf8JsonReader r)
    {
        try
        {
            r.Skip();
        }
        catch (JsonException e)
        {
            throw Error(r.BytesConsumed, "malformed JSON: " + Trim(e.Message));
        }
        catch (InvalidOperationException)
        {
            throw Error(Length, "the JSON ends early (truncated file?)");
        }
    }

    /// <summary>Requires a StartObject; returns its depth for <see cref="NextProperty"/>.</summary>
    public int BeginObject(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw Error(ref r, $"expected {what}, found {Describe(r.TokenType)}");
        }

        return r.CurrentDepth;
    }

    /// <summary>Moves to the next property name of the object at <paramref name="depth"/>; false at its end.</summary>
    public bool NextProperty(ref Utf8JsonReader r, int depth)
    {
        Next(ref r, "a property or the end of an object");
        if (r.TokenType == JsonTokenType.EndObject && r.CurrentDepth == depth)
        {
            return false;
        }

        if (r.TokenType != JsonTokenType.PropertyName)
        {
            throw Error(ref r, $"expected a property name, found {Describe(r.TokenType)}");
        }

        return true;
    }

    /// <summary>Reads the value after a property name, which must be an array or null; its depth, or -1 for null.</summary>
    public int BeginArray(ref Utf8JsonReader r, string what)
    {
        Next(ref r, what);
        return StartArray(ref r, what);
    }

    /// <summary>Requires the reader to stand on a StartArray (or null); its depth, or -1 for null.</summary>
    public int StartArray(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return -1;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw Error(ref r, $"{what} must be an array, found {Describe(r.TokenType)}");
        }

        return r.CurrentDepth;
    }

    /// <summary>Moves to the next element of the array at <paramref name="depth"/>; false at its end.</summary>
    public bool NextElement(ref Utf8JsonReader r, int depth)
    {
        if (depth < 0)
        {
            return false;
        }

        Next(ref r, "an element or the end of an array");
        return !(r.TokenType == JsonTokenType.EndArray && r.CurrentDepth == depth);
    }

    /// <summary>The string after a property name (null stays null).</summary>
    public string? String(ref Utf8JsonReader r, string what)
    {
        Next(ref r, what);
        return r.TokenType == JsonTokenType.Null ? null : CurrentString(ref r, what);
    }

    public string CurrentString(ref Utf8JsonReader r, string what)
    {
        if (r.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            throw Error(ref r, $"{what} must be a string, found {Describe(r.TokenType)}");
        }

        try
        {
            return r.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Error(ref r, $"{what} is not valid UTF-8");
        }
    }

    /// <summary>An unsigned integer after a property name: a JSON number, or a string of digits (as some writers
    /// quote 64-bit values). Null reads as 0.</summary>
    public ulong UInt64(ref Utf8JsonReader r, string what)
    {
        Next(ref r, what);
        if (r.TokenType == JsonTokenType.Null)
        {
            return 0;
        }

        if (r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out ulong n))
        {
            return n;
        }

        if (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped && Utf8Parser.TryParse(r.ValueSpan, out ulong s, out int used) && used == r.ValueSpan.Length)
        {
            return s;
        }

        throw Error(ref r, $"{what} must be a whole number of microseconds, found {Describe(r.TokenType)}");
    }

    public static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    /// <summary>The token's kind without an article: "a JSON number", "an array of strings".</summary>
    public static string Noun(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    private static string Trim(string message)
    {
        int i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return i > 0 ? message[..i].TrimEnd('.', ' ') : message;
    }
}
