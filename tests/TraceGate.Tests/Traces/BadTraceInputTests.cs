using System.IO.Compression;
using FluentAssertions;
using Google.Protobuf;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Otlp;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Rules;

namespace TraceGate.Tests.Traces;

/// <summary>Broken and hostile trace files end in a clear error naming the file and byte offset or line, or in a
/// finding; never a crash, a hang or unbounded memory.</summary>
public sealed class BadTraceInputTests
{
    private static string ReadError(byte[] bytes, ReadOptions? options = null)
    {
        var act = () => SpanCollector.ReadBytes(bytes, new SpanCollector(), options, "bad.pb");
        return act.Should().Throw<TraceInputException>().Which.Message;
    }

    [Fact]
    public void TruncatedProtobuf_NamesFileAndOffset()
    {
        var bytes = Otlp.Request(Otlp.Span("apply", 1));
        ReadError(bytes[..^7]).Should().StartWith("bad.pb: byte offset 1: truncated: a ResourceSpans declares");
    }

    [Fact]
    public void WrongWireType_SaysWhichFieldAndWhatWasExpected()
    {
        // A span whose name (field 5) is written as a varint instead of a length-delimited string.
        var span = new byte[] { 0x28, 0x01 };
        var scope = Prefix(0x12, span);
        var rs = Prefix(0x12, scope);
        var req = Prefix(0x0a, rs);
        ReadError(req).Should().MatchRegex(@"^bad\.pb: byte offset \d+: field name has wire type 0, expected 2");
    }

    [Fact]
    public void LyingLengthPrefix_InsideAMessage_IsCaught()
    {
        // ResourceSpans of 4 bytes whose scope_spans claims 100 bytes.
        var req = new byte[] { 0x0a, 0x04, 0x12, 0x64, 0x00, 0x00 };
        ReadError(req).Should().Contain("a length prefix of 100 bytes runs past the end of its message");
    }

    [Fact]
    public void LyingLengthPrefix_AtTopLevel_IsRefusedBeforeAllocating()
    {
        var req = new byte[] { 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00 };
        ReadError(req).Should().Contain("over the 64 MiB limit per ResourceSpans");
    }

    [Fact]
    public void NestingBomb_InAttributeValues_IsRefused()
    {
        var value = new AnyValue { StringValue = "x" };
        for (int i = 0; i < 100; i++)
        {
            var array = new ArrayValue();
            array.Values.Add(value);
            value = new AnyValue { ArrayValue = array };
        }

        var span = Otlp.Span("apply", 1);
        span.Attributes.Add(new KeyValue { Key = "bomb", Value = value });
        ReadError(Otlp.Request(span)).Should().Contain("nested deeper than 32 levels");
    }

    [Fact]
    public void InvalidUtf8_InSpanName_NamesTheOffset()
    {
        var span = Otlp.Span("apply", 1);
        span.Name = "XXXX";
        var bytes = Otlp.Request(span);
        int at = bytes.AsSpan().IndexOf("XXXX"u8);
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        ReadError(bytes).Should().Be($"bad.pb: byte offset {at}: a string is not valid UTF-8");
    }

    // Found by the JSON fast-path property: Utf8JsonReader.TrySkip throws its own exception for malformed JSON in a
    // skipped value, which escaped as a crash instead of an input error.
    [Fact]
    public void MalformedJson_InsideASkippedValue_NamesTheLine()
    {
        var json = "{\"resourceSpans\":[],\"other\":{\"a\":1 \"b\":2}}"u8.ToArray();
        ReadError(json).Should().Contain("bad.pb: line 1").And.Contain("malformed JSON");
    }

    // Found by the JSON fast-path property: an escaped string with invalid UTF-8 threw from GetString as a crash.
    [Theory]
    [InlineData("\"name\":\"a\\n\u00ff\"")]
    [InlineData("\"kind\":\"SERVER\u00ff\"")]
    public void InvalidUtf8_InAnEscapedString_IsAnInputError(string property)
    {
        var text = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{" + property + "}]}]}]}";
        // \u00ff stands for the raw byte 0xff.
        var json = System.Text.Encoding.Latin1.GetBytes(text);
        ReadError(json).Should().Contain("bad.pb: line 1").And.Contain("not valid UTF-8");
    }

    [Fact]
    public void JsonLine_OverTheMessageLimit_IsRefusedWithItsOffset()
    {
        // JSON lines are read in chunks of whole lines; one line may grow a chunk only up to the message limit.
        var line = "{\"resourceSpans\":[]}\n"u8.ToArray();
        var huge = System.Text.Encoding.UTF8.GetBytes("{\"resourceSpans\":[],\"pad\":\"" + new string('x', 3 * 1024 * 1024) + "\"}\n");
        var options = new ReadOptions { MaxMessageBytes = 2 * 1024 * 1024 };
        ReadError([.. line, .. huge], options).Should().Contain("byte offset 21: a single JSON line is over 2 MiB");
    }

    [Fact]
    public void JsonNesting_PastTheDepthLimit_IsRefused()
    {
        var deep = System.Text.Encoding.UTF8.GetBytes("{\"x\":" + new string('[', 100) + new string(']', 100) + "}\n{}\n");
        ReadError(deep).Should().Contain("bad.pb: line 1").And.Contain("depth");
    }

    [Fact]
    public void MalformedJson_NamesTheLine()
    {
        var json = "{\"resourceSpans\":[\n{\"scopeSpans\":[{\"spans\":[\n{\"name\": \"apply\",, }]}]}]}"u8.ToArray();
        ReadError(json).Should().StartWith("bad.pb: line 3 (byte offset").And.Contain("malformed JSON");
    }

    [Fact]
    public void JsonWithBase64Ids_SaysOtlpUsesHex()
    {
        var json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"CvdlGRbNQ92ESOshHIAxnA==\"}]}]}]}"u8.ToArray();
        ReadError(json).Should().Contain("traceId must be 32 hex digits (OTLP JSON encodes ids as hex, not base64)");
    }

    [Fact]
    public void TruncatedJson_SaysItEndsEarly()
    {
        var json = File.ReadAllBytes(Repo.Fixture("Traces/Fixtures/payments/good.json"));
        ReadError(json[..(json.Length / 2)]).Should().Contain("line 1");
    }

    /// <summary>Valid-looking OTLP: a ResourceSpans of 40 MiB that is one unknown field of zeros.</summary>
    private static byte[] BombPayload()
    {
        const int inner = 40 * 1024 * 1024;
        using var ms = new MemoryStream();
        var cos = new Google.Protobuf.CodedOutputStream(ms);
        cos.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        cos.WriteLength(inner + 6);
        cos.WriteTag(15, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        cos.WriteLength(inner);
        cos.Flush();
        ms.Write(new byte[inner]);
        return ms.ToArray();
    }

    [Fact]
    public void GzipBomb_StopsAtTheRatio()
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(BombPayload());
        }

        var options = new ReadOptions { MinDecompressedAllowance = 1024 * 1024, MaxDecompressionRatio = 100 };
        ReadError(ms.ToArray(), options).Should().Contain("over the ratio of 100:1 (a compression bomb?)");
    }

    [Fact]
    public void ZstdBomb_StopsAtTheRatio()
    {
        using var compressor = new ZstdSharp.Compressor(19);
        var bomb = compressor.Wrap(BombPayload()).ToArray();
        var options = new ReadOptions { MinDecompressedAllowance = 1024 * 1024, MaxDecompressionRatio = 100 };
        ReadError(bomb, options).Should().Contain("over the ratio of 100:1 (a compression bomb?)");
    }

    [Fact]
    public void CorruptGzip_SaysSo()
    {
        var bytes = new byte[] { 0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
        ReadError(bytes).Should().Contain("gzip");
    }

    // Found by fuzzing (trace-file): ZstdSharp throws EndOfStreamException for a cut-off frame, which escaped as a crash.
    [Fact]
    public void TruncatedZstd_SaysItIsCutOff()
    {
        using var zstd = new ZstdSharp.Compressor(3);
        var whole = zstd.Wrap(File.ReadAllBytes(Repo.Fixture("Traces/Fixtures/payments/good.pb"))).ToArray();
        ReadError(whole[..(whole.Length / 2)]).Should().Contain("bad.pb: the zstd data ends early (truncated file?)");
    }

    [Fact]
    public void TruncatedGzip_SaysItIsCutOff()
    {
        var whole = File.ReadAllBytes(Repo.Fixture("Traces/Fixtures/payments/good.pb.gz"));
        // gzip itself does not mind the missing end; the protobuf inside is cut off, and that is what is said.
        ReadError(whole[..(whole.Length / 2)]).Should().Contain("bad.pb: byte offset").And.Contain("truncated");
    }

    [Fact]
    public void RandomBytes_AreNotOtlp()
    {
        ReadError([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]).Should().Contain("not an OTLP trace file").And.Contain("found 0x89");
    }

    [Fact]
    public void ZipkinArray_IsNamedAsUnsupported()
    {
        ReadError("[{\"traceId\":\"x\"}]"u8.ToArray()).Should().Contain("Zipkin");
    }

    [Fact]
    public void FramedFileWithTornLastRecord_KeepsCompleteRecordsAndWarns()
    {
        var good = File.ReadAllBytes(Repo.Fixture("Traces/Fixtures/payments/good.framed.pb"));
        var sink = new SpanCollector();
        var info = SpanCollector.ReadBytes(good[..^10], sink);
        info.Warning.Should().Contain("the last record declares").And.Contain("2 complete records");
        sink.Spans.Should().HaveCount(60);
    }

    [Fact]
    public void SpanEndingBeforeItStarts_IsAnIntegrityFinding()
    {
        var span = Otlp.Span("apply", 7);
        (span.StartTimeUnixNano, span.EndTimeUnixNano) = (span.EndTimeUnixNano, span.StartTimeUnixNano);
        var engine = new RuleEngine(TracesPolicy.None);
        SpanCollector.ReadBytes(Otlp.Request(span), engine);
        var check = TraceGates.Evaluate(TracesPolicy.None, engine, null).Single();
        check.Id.Should().Be("traces.integrity");
        check.Outcome.Should().Be(Outcome.Fail);
        check.Offenders.Single().Problem.Should().StartWith("ends before it starts").And.Contain("byte offset");
    }

    [Fact]
    public void WrongLengthTraceId_IsRefused()
    {
        var span = Otlp.Span("apply", 1);
        span.TraceId = ByteString.CopyFrom(1, 2, 3);
        ReadError(Otlp.Request(span)).Should().Contain("trace_id has 3 bytes, expected 16");
    }

    private static byte[] Prefix(byte tag, byte[] body) => [tag, (byte)body.Length, .. body];
}
