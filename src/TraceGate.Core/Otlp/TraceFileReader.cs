using System.IO.Compression;
using TraceGate.Core.TraceFormats;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// Reads one trace file whatever it holds: the format is detected from the content, not the name. gzip (1f 8b) and
/// zstd (28 b5 2f fd) by their magic bytes, then framed protobuf (a 4-byte big-endian length, so a first byte of 0),
/// plain protobuf (field 1, wire type 2: 0x0a), or JSON ('{' or '[' after optional whitespace: OTLP, Jaeger,
/// Zipkin v2 or Tempo, named by its keys).
/// </summary>
public static class TraceFileReader
{
    public static TraceFileInfo Read(string path, Stream input, ReadOptions options, ISpanSink sink)
    {
        var peek = new PeekStream(input);
        var head = peek.Peek(4);
        var compression = Compression.None;
        Stream content = peek;
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            compression = Compression.Gzip;
            content = Guard(new GZipStream(peek, CompressionMode.Decompress), peek, path, options);
        }
        else if (head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
        {
            compression = Compression.Zstd;
            content = Guard(new ZstdSharp.DecompressionStream(peek), peek, path, options);
        }

        try
        {
            return ReadContent(path, content, compression, options, sink);
        }
        catch (InvalidDataException e)
        {
            throw new TraceInputException($"{path}: the {compression.ToString().ToLowerInvariant()} data is corrupt: {e.Message}");
        }
        catch (ZstdSharp.ZstdException e)
        {
            throw new TraceInputException($"{path}: the zstd data is corrupt: {e.Message}");
        }
        catch (EndOfStreamException) when (compression != Compression.None)
        {
            // ZstdSharp's answer to a frame cut off mid-way (found by fuzzing).
            throw new TraceInputException($"{path}: the {compression.ToString().ToLowerInvariant()} data ends early (truncated file?)");
        }
    }

    /// <summary>How far the first newline is looked for when telling JSON lines from one JSON document.</summary>
    private const int LinesProbeBytes = 1024 * 1024;

    private static TraceFileInfo ReadContent(string path, Stream content, Compression compression, ReadOptions options, ISpanSink sink)
    {
        var peek = content as PeekStream ?? new PeekStream(content);
        var head = peek.Peek(64);
        int first = FirstNonWhitespace(head);
        if (head.Length == 0 || (first < 0 && head.Length < 64))
        {
            return new TraceFileInfo(path, TraceFormat.Empty, compression, 0);
        }

        byte b = first >= 0 ? head[first] : head[0];
        // Protobuf starts with 0x0a, which JSON reads as a newline: when the first length byte is '{' (123) or '['
        // (91), only a parse tells the two apart (found by the format-agreement property).
        if (b is (byte)'{' or (byte)'[' && (head[0] != 0x0a || StartsAsJson(head)))
        {
            return ReadJson(path, peek, b, compression, options, sink);
        }

        var proto = new OtlpProtobufReader(options, sink);
        if (head[0] == 0x0a)
        {
            proto.ReadPlain(peek, path);
            return new TraceFileInfo(path, TraceFormat.OtlpProtobuf, compression, proto.Spans);
        }

        if (head[0] == 0x00 && head.Length >= 5 && head[4] == 0x0a)
        {
            proto.ReadFramed(peek, path);
            return new TraceFileInfo(path, TraceFormat.OtlpProtobufFramed, compression, proto.Spans) { Warning = proto.TornTail };
        }

        throw new TraceInputException($"{path}: byte offset 0: not an OTLP trace file: expected OTLP protobuf (first byte 0x0a), length-prefixed OTLP protobuf, JSON (OTLP, Jaeger, Zipkin v2 or Tempo: '{{' or '['), or gzip/zstd of one; found 0x{head[0]:x2}");
    }

    /// <summary>
    /// JSON: OTLP (and Tempo's <c>batches</c>) are streamed when the first key says so, so the OTLP fast path stays as
    /// it was; every other document is read whole (bounded) and named by all its keys.
    /// </summary>
    private static TraceFileInfo ReadJson(string path, PeekStream peek, byte first, Compression compression, ReadOptions options, ISpanSink sink)
    {
        var probe = peek.Peek(LinesProbeBytes);
        bool whole = probe.Length < LinesProbeBytes;
        // A UTF-8 byte order mark is not JSON: the streaming readers start after it, their offsets counting it.
        int bom = probe.StartsWith("\uFEFF"u8) ? 3 : 0;
        var key = first == (byte)'{' ? FirstKey(probe[bom..], whole) : null;
        if (bom > 0 && key is "resourceSpans" or "resource_spans" or "batches")
        {
            peek.ReadExactly(new byte[bom]);
            var json = new OtlpJsonReader(options, sink) { TempoDialect = key == "batches" || JsonShapeDetector.FirstIdIsBase64(probe[bom..], whole) == true };
            json.Read(peek, path, bom, 0);
            return json.TempoDialect
                ? new TraceFileInfo(path, TraceFormat.TempoJson, compression, json.Spans) { Variant = WholeJsonDocument.TempoVariant(key == "batches") }
                : new TraceFileInfo(path, TraceFormat.OtlpJson, compression, json.Spans);
        }

        if (key is "resourceSpans" or "resource_spans")
        {
            if (JsonShapeDetector.FirstIdIsBase64(probe, whole) == true)
            {
                // Tempo's /api/traces since 2.6: resourceSpans, with the protobuf JSON mapping's base64 ids.
                var tempo = new OtlpJsonReader(options, sink) { TempoDialect = true };
                tempo.Read(peek, path);
                return new TraceFileInfo(path, TraceFormat.TempoJson, compression, tempo.Spans) { Variant = WholeJsonDocument.TempoVariant(false) };
            }

            // JSON lines go the hand-written way on every core; the first line tells (a first line over 1 MiB, or one
            // document, is read by the exact reader).
            if (JsonLinesReader.LooksLikeJsonLines(probe))
            {
                var lines = new JsonLinesReader(options, sink, options.Workers);
                lines.Read(peek, path);
                return new TraceFileInfo(path, TraceFormat.OtlpJson, compression, lines.Spans);
            }

            var json = new OtlpJsonReader(options, sink);
            json.Read(peek, path);
            return new TraceFileInfo(path, TraceFormat.OtlpJson, compression, json.Spans);
        }

        if (key is "batches")
        {
            var tempo = new OtlpJsonReader(options, sink) { TempoDialect = true };
            tempo.Read(peek, path);
            return new TraceFileInfo(path, TraceFormat.TempoJson, compression, tempo.Spans) { Variant = WholeJsonDocument.TempoVariant(true) };
        }

        return WholeJsonDocument.Read(path, JsonText.ReadAll(peek, path, options.MaxJsonDocumentBytes), compression, options, sink);
    }

    /// <summary>True when the first tokens of <paramref name="head"/> are JSON. Protobuf that looks like "\n{" breaks
    /// at once: a ResourceSpans' first field tags (0x0a, 0x12, 0x1a) and lengths are not JSON after a brace.</summary>
    private static bool StartsAsJson(ReadOnlySpan<byte> head)
    {
        var r = new System.Text.Json.Utf8JsonReader(head, head.Length < 64, new System.Text.Json.JsonReaderState(JsonText.Options));
        try
        {
            for (int i = 0; i < 3 && r.Read(); i++)
            {
            }

            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>The first property name of the first object, or null when the probe does not reach it.</summary>
    private static string? FirstKey(ReadOnlySpan<byte> probe, bool whole)
    {
        var r = new System.Text.Json.Utf8JsonReader(probe, whole, new System.Text.Json.JsonReaderState(JsonText.Options));
        try
        {
            return r.Read() && r.TokenType == System.Text.Json.JsonTokenType.StartObject && r.Read()
                && r.TokenType == System.Text.Json.JsonTokenType.PropertyName && !r.ValueIsEscaped
                ? System.Text.Encoding.UTF8.GetString(r.ValueSpan)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static int FirstNonWhitespace(ReadOnlySpan<byte> head)
    {
        int i = 0;
        // A UTF-8 byte order mark before JSON.
        if (head.Length >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
        {
            i = 3;
        }

        for (; i < head.Length; i++)
        {
            if (head[i] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return i;
            }
        }

        return -1;
    }

    private static Stream Guard(Stream decompressed, PeekStream compressed, string path, ReadOptions options) =>
        new BombGuardStream(decompressed, compressed, path, options);

    /// <summary>Stops decompression past a ratio of the compressed bytes read (with a fixed allowance), so a
    /// zstd or gzip bomb ends in a clear error instead of hours of work.</summary>
    private sealed class BombGuardStream(Stream inner, PeekStream compressed, string path, ReadOptions options) : Stream
    {
        private long _produced;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            _produced += n;
            long allowed = Math.Max(options.MinDecompressedAllowance, compressed.Consumed * options.MaxDecompressionRatio);
            if (_produced > allowed)
            {
                throw new TraceInputException($"{path}: decompressed {_produced} bytes from {compressed.Consumed} compressed bytes, over the ratio of {options.MaxDecompressionRatio}:1 (a compression bomb?)");
            }

            return n;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _produced; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>A stream that can look at its first bytes before handing them on, and counts what it gave out.</summary>
internal sealed class PeekStream(Stream inner) : Stream
{
    private byte[] _head = [];
    private int _headPos;

    public long Consumed { get; private set; }

    public ReadOnlySpan<byte> Peek(int count)
    {
        if (_head.Length - _headPos < count)
        {
            var more = new byte[count];
            int have = _head.Length - _headPos;
            _head.AsSpan(_headPos).CopyTo(more);
            while (have < count)
            {
                int n = inner.Read(more, have, count - have);
                if (n <= 0)
                {
                    break;
                }

                have += n;
            }

            _head = more.AsSpan(0, have).ToArray();
            _headPos = 0;
        }

        return _head.AsSpan(_headPos, Math.Min(count, _head.Length - _headPos));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_headPos < _head.Length)
        {
            n = Math.Min(buffer.Length, _head.Length - _headPos);
            _head.AsSpan(_headPos, n).CopyTo(buffer);
            _headPos += n;
        }
        else
        {
            n = inner.Read(buffer);
        }

        Consumed += n;
        return n;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => Consumed; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
