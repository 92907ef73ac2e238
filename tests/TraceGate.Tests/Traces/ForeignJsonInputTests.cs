using System.Text;
using FluentAssertions;
using TraceGate.Core.Otlp;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Traces;

/// <summary>Jaeger, Zipkin and Tempo input that is broken, cut off, or over a bound: always an input error that names
/// the file and the byte offset, never another exception.</summary>
public sealed class ForeignJsonInputTests
{
    private static string ReadError(string json, ReadOptions? options = null)
    {
        var act = () => SpanCollector.ReadBytes(Encoding.UTF8.GetBytes(json), new SpanCollector(), options, "t.json");
        return act.Should().Throw<TraceInputException>().Which.Message;
    }

    private static (TraceFileInfo Info, List<string> Spans) Read(string json)
    {
        var sink = new SpanCollector();
        var info = SpanCollector.ReadBytes(Encoding.UTF8.GetBytes(json), sink, name: "t.json");
        return (info, sink.Spans);
    }

    [Fact]
    public void CutOffAnywhere_EveryRealFile_IsAnInputErrorOrFewerSpans()
    {
        // Every real Jaeger, Zipkin and Tempo file cut at many points: a clear input error each time.
        var root = Repo.Fixture("Traces/Fixtures/real");
        foreach (var file in Directory.GetFiles(root, "*.json", SearchOption.AllDirectories).Where(f => !f.Contains("refused", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(file);
            int step = Math.Max(1, bytes.Length / 60);
            for (int cut = 1; cut < bytes.Length - 2; cut += step)
            {
                try
                {
                    SpanCollector.ReadBytes(bytes[..cut], new SpanCollector(), name: "cut.json");
                }
                catch (TraceInputException e)
                {
                    e.Message.Should().StartWith("cut.json: ").And.Contain("byte offset");
                }
            }
        }
    }

    [Theory]
    [InlineData("{\"data\":[{\"traceID\":\"1\",\"spans\":[{\"traceID\":\"zz\",\"spanID\":\"1\"}]}]}", "byte offset 44): traceID must be up to 32 hex digits")]
    [InlineData("{\"data\":[{\"traceID\":\"1\",\"spans\":[{\"spanID\":\"1\"}]}]}", "a Jaeger span needs a traceID and a spanID")]
    [InlineData("{\"traceID\":\"1\",\"spans\":[{\"traceID\":\"1\",\"spanID\":\"2\",\"processID\":\"p9\"}],\"processes\":{}}", "processID 'p9' is not among the trace's processes")]
    [InlineData("[{\"traceID\":\"1\",\"spanID\":\"2\",\"tags\":[{\"key\":\"k\",\"type\":\"int64\",\"value\":\"x\"}]}]", "tag 'k': the value is a string, which is not a int64")]
    [InlineData("[{\"traceID\":\"1\",\"spanID\":\"2\",\"tags\":[{\"key\":\"k\",\"type\":\"map\",\"value\":1}]}]", "type 'map' is not one of string, bool, int64, float64, binary")]
    [InlineData("[{\"traceID\":\"1\",\"spanID\":\"2\",\"references\":[{\"refType\":\"PARENT\"}]}]", "refType must be CHILD_OF or FOLLOWS_FROM")]
    [InlineData("[{\"traceID\":\"1\",\"spanID\":\"2\",\"startTime\":18446744073709551615}]", "startTime or duration is too large")]
    [InlineData("{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":404,\"msg\":\"trace not found\"}]}", "the Jaeger answer holds no trace but errors: 404 trace not found")]
    [InlineData("[{\"traceId\":\"1\",\"id\":\"2\",\"kind\":\"SERVERS\"}]", "kind must be CLIENT, SERVER, PRODUCER or CONSUMER")]
    [InlineData("[{\"traceId\":\"1\",\"id\":\"2\",\"tags\":{\"a\":1}}]", "tag 'a' must be a string, found a number")]
    [InlineData("[{\"traceId\":\"1\",\"id\":\"2\"},{\"id\":\"3\"}]", "a Zipkin span needs a traceId and an id")]
    [InlineData("[{\"traceId\":\"1\",\"id\":\"2\",\"localEndpoint\":{\"port\":70000}}]", "localEndpoint.port must be a number from 0 to 65535")]
    [InlineData("{\"trace\":{\"resourceSpans\":[]},\"status\":\"MAYBE\"}", "status must be COMPLETE or PARTIAL")]
    [InlineData("{\"result\":{\"resourceSpans\":[]}}\n{\"error\":{\"code\":5,\"message\":\"trace not found\"}}", "Jaeger answered with an error: {\"code\":5,\"message\":\"trace not found\"}")]
    [InlineData("[{\"traceId\":\"1\",\"id\":\"2\"}] []", "more than one JSON value")]
    public void Malformed_IsAnInputErrorNamingFileAndOffset(string json, string expected)
    {
        ReadError(json).Should().StartWith("t.json: line ").And.Contain("byte offset").And.Contain(expected);
    }

    [Fact]
    public void AfterAByteOrderMark_OffsetsStillNameThePlaceInTheFile()
    {
        var bad = "[{\"traceId\":\"1\",\"id\":\"zz\"}]";
        var act = () => SpanCollector.ReadBytes([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(bad)], new SpanCollector(), name: "t.json");
        act.Should().Throw<TraceInputException>().Which.Message.Should().Be($"t.json: line 1 (byte offset {3 + bad.IndexOf("\"zz\"", StringComparison.Ordinal)}): id must be 16 hex digits");
    }

    [Fact]
    public void DeepNesting_IsRefusedByTheDepthBound()
    {
        var json = "[{\"traceId\":\"1\",\"id\":\"2\",\"x\":" + new string('[', 200) + new string(']', 200) + "}]";
        ReadError(json).Should().Contain("malformed JSON").And.Contain("depth");
    }

    [Fact]
    public void DocumentOverTheBound_IsRefusedBeforeItIsParsed()
    {
        var json = "[{\"traceId\":\"1\",\"id\":\"2\",\"name\":\"" + new string('x', 300_000) + "\"}]";
        ReadError(json, new ReadOptions { MaxJsonDocumentBytes = 128 * 1024 }).Should().StartWith("t.json: over 0 MiB").And.Contain("read whole");
    }

    [Fact]
    public void ZipkinTraceArray_AndJaegerApiV3Stream_AreRead()
    {
        var (zipkin, spans) = Read("[[{\"traceId\":\"a\",\"id\":\"1\",\"name\":\"x\"}],[{\"traceId\":\"b\",\"id\":\"2\",\"name\":\"y\",\"parentId\":\"2\"}]]");
        zipkin.Describe().Should().Be("zipkin-v2-json (array of traces)");
        spans.Should().HaveCount(2);
        spans[1].Should().Contain(" 0000000000000000 y ", "a span that names itself as parent is a root (to_translator.go)");

        var one = File.ReadAllText(Repo.Fixture("Traces/Fixtures/real/jaeger/apiv3-GetTrace.json"));
        var (v3, v3Spans) = Read(one + "\n" + one);
        v3.Describe().Should().Be("jaeger-api-v3-json (OTLP JSON in 2 results)");
        v3Spans.Should().HaveCount(2);
    }

    [Fact]
    public void TempoV2Complete_IsReadWithoutWarning_AndNamesTheStatus()
    {
        var trace = File.ReadAllText(Repo.Fixture("Traces/Fixtures/real/tempo/batches-trace-with-virtual-nodes.json"));
        var (info, spans) = Read($"{{\"trace\":{trace},\"status\":\"COMPLETE\"}}");
        info.Describe().Should().Be("tempo-v2-json (/api/v2/traces, status COMPLETE)");
        info.Warning.Should().BeNull();
        spans.Should().HaveCount(2);
    }

    [Fact]
    public void TempoIdsInBase64_AreTheSameIdsAsHex()
    {
        // QpC1h3qZMN55u0KDZTmOzA== is the base64 of the 16 bytes 4290b5877a9930de79bb428365398ecc.
        var (info, spans) = Read("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"QpC1h3qZMN55u0KDZTmOzA==\",\"spanId\":\"2gZXnld4dYc=\",\"name\":\"a\",\"kind\":\"SPAN_KIND_SERVER\"}]}]}]}");
        info.Format.Should().Be(TraceFormat.TempoJson);
        spans.Single().Should().StartWith("4290b5877a9930de79bb428365398ecc da06579e57787587 0000000000000000 a Server");
    }
}
