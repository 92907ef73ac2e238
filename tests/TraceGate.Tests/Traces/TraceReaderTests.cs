using System.Diagnostics;
using FluentAssertions;
using TraceGate.Core.Otlp;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Traces;

/// <summary>Fixtures come from the OpenTelemetry JS SDK (tests/fixture-gen/generate.mjs).</summary>
public sealed class TraceReaderTests
{
    private static string Fixture(string name) => Repo.Fixture($"Traces/Fixtures/payments/{name}");

    [Theory]
    [InlineData("good.json")]
    [InlineData("good.jsonl")]
    [InlineData("good.framed.pb")]
    [InlineData("good.pb.gz")]
    public void Read_EveryFormatOfTheSameRun_GivesTheSameSpans(string file)
    {
        var expected = SpanCollector.Read(Fixture("good.pb")).Spans;
        expected.Should().HaveCount(90);
        SpanCollector.Read(Fixture(file)).Spans.Should().Equal(expected);
    }

    [Theory]
    [InlineData("good.pb")]
    [InlineData("good.jsonl")]
    public void Read_Zstd_DetectedByMagicBytes(string file)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        var compressed = compressor.Wrap(File.ReadAllBytes(Fixture(file))).ToArray();
        var sink = new SpanCollector();
        var info = SpanCollector.ReadBytes(compressed, sink);
        info.Compression.Should().Be(Compression.Zstd);
        sink.Spans.Should().Equal(SpanCollector.Read(Fixture("good.pb")).Spans);
    }

    [Theory]
    [InlineData("good.pb", TraceFormat.OtlpProtobuf)]
    [InlineData("good.framed.pb", TraceFormat.OtlpProtobufFramed)]
    [InlineData("good.json", TraceFormat.OtlpJson)]
    [InlineData("good.jsonl", TraceFormat.OtlpJson)]
    public void Read_DetectsFormatFromContentNotName(string file, TraceFormat format)
    {
        var renamed = File.ReadAllBytes(Fixture(file));
        SpanCollector.ReadBytes(renamed, new SpanCollector(), name: "traces.dat").Format.Should().Be(format);
    }

    [Fact]
    public void Read_JsonWithProtoFieldNames_GivesTheSameSpans()
    {
        // The protobuf JSON mapping lets parsers accept the proto's snake_case names as well as lowerCamelCase.
        var camel = File.ReadAllText(Fixture("good.json"));
        var snake = System.Text.RegularExpressions.Regex.Replace(camel, "\"([a-z]+(?:[A-Z][a-z]+)+)\":",
            m => "\"" + System.Text.RegularExpressions.Regex.Replace(m.Groups[1].Value, "([A-Z])", x => "_" + x.Value.ToLowerInvariant()) + "\":");
        snake.Should().Contain("\"start_time_unix_nano\":").And.Contain("\"resource_spans\":").And.Contain("\"parent_span_id\":");
        var sink = new SpanCollector();
        SpanCollector.ReadBytes(System.Text.Encoding.UTF8.GetBytes(snake), sink);
        sink.Spans.Should().Equal(SpanCollector.Read(Fixture("good.pb")).Spans);
    }

    [Fact]
    public void Read_JsonEnumsAsNamesAndIntegersAsStrings_AreAccepted()
    {
        var json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7",
            "name":"apply","kind":"SPAN_KIND_SERVER","startTimeUnixNano":1000,"endTimeUnixNano":"3000","status":{"code":"STATUS_CODE_ERROR"},
            "attributes":[{"key":"n","value":{"intValue":"42"}}],"unknownField":{"nested":[1,2,{"x":null}]}}]}]}]}
            """;
        var spans = new List<SpanData>();
        var sink = new LambdaSink(s => spans.Add(new SpanData { Name = s.Name, Kind = s.Kind, Status = s.Status, StartUnixNano = s.StartUnixNano, EndUnixNano = s.EndUnixNano }));
        var attrs = new List<string>();
        SpanCollector.ReadBytes(System.Text.Encoding.UTF8.GetBytes(json), new LambdaSink(s => attrs.AddRange(s.Attributes.Select(a => $"{a.Key}={a.Value.Type}:{a.Value}"))));
        SpanCollector.ReadBytes(System.Text.Encoding.UTF8.GetBytes(json), sink);
        spans.Single().Kind.Should().Be(TraceGate.Core.Traces.SpanKind.Server);
        spans.Single().Status.Should().Be(StatusCode.Error);
        spans.Single().EndUnixNano.Should().Be(3000);
        attrs.Should().Equal("n=Int:42");
    }

    [Fact]
    public void Read_Protobuf_AgreesWithGoogleProtobufObjectModel()
    {
        // The generated classes parse the same bytes; concatenated requests merge into one message.
        var model = TracesData.Parser.ParseFrom(File.ReadAllBytes(Fixture("buggy.pb")));
        var fromModel = model.ResourceSpans.SelectMany(rs => rs.ScopeSpans.SelectMany(ss => ss.Spans)).Select(s =>
            $"{Convert.ToHexStringLower(s.TraceId.Span)} {Convert.ToHexStringLower(s.SpanId.Span)} {s.Name} {s.StartTimeUnixNano} {s.EndTimeUnixNano} "
            + $"{(int)(s.Status?.Code ?? 0)} {string.Join(",", s.Events.Select(e => e.Name))}").ToList();
        var ours = new List<string>();
        var sink = new LambdaSink(s => ours.Add($"{s.TraceId} {TraceGate.Core.Traces.SpanData.SpanIdText(s.SpanId)} {s.Name} {s.StartUnixNano} {s.EndUnixNano} {(int)s.Status} {string.Join(",", s.Events.Select(e => e.Name))}"));
        using (var stream = File.OpenRead(Fixture("buggy.pb")))
        {
            TraceFileReader.Read("buggy.pb", stream, new(), sink);
        }

        ours.Should().Equal(fromModel);
        fromModel.Should().Contain(s => s.Contains("invariant.violation"));
    }

    [Fact]
    public void Read_OnlyRequestedAttributeKeysAreMaterialised()
    {
        var options = new ReadOptions { AttributeKeys = new HashSet<string> { "transfer.fee" } };
        var keys = new List<string>();
        var sink = new LambdaSink(s => keys.AddRange(s.Attributes.Select(a => a.Key)));
        using var stream = File.OpenRead(Fixture("good.pb"));
        TraceFileReader.Read("good.pb", stream, options, sink);
        keys.Should().HaveCount(30).And.OnlyContain(k => k == "transfer.fee");
    }

    [Fact]
    public void Fixtures_AreReproducibleFromTheGeneratorWithTheRealSdk()
    {
        var gen = Path.Combine(Repo.Root, "tests", "fixture-gen");
        Directory.Exists(Path.Combine(gen, "node_modules")).Should().BeTrue("./build.sh test installs the generator's npm packages (npm ci in tests/fixture-gen)");
        using var tmp = new TempDir();
        var psi = new ProcessStartInfo("node", ["generate.mjs", "--out", tmp.Path]) { WorkingDirectory = gen, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        p.ExitCode.Should().Be(0, err);
        foreach (var file in Directory.GetFiles(Path.Combine(tmp.Path, "fixtures")))
        {
            File.ReadAllBytes(file).Should().Equal(File.ReadAllBytes(Fixture(Path.GetFileName(file))), $"{Path.GetFileName(file)} is what the generator writes");
        }

        File.ReadAllBytes(Path.Combine(tmp.Path, "example", "traces", "transfer-tests.pb"))
            .Should().Equal(File.ReadAllBytes(Path.Combine(Repo.Example, "artifacts", "traces", "transfer-tests.pb")));
    }

    private sealed class LambdaSink(Action<TraceGate.Core.Traces.SpanData> action) : TraceGate.Core.Traces.ISpanSink
    {
        public void OnSpan(TraceGate.Core.Traces.SpanData span) => action(span);
    }
    /// <summary>Found by the format-agreement property: protobuf starts with 0x0a (a newline to JSON), and when the
    /// first ResourceSpans is 123 or 91 bytes long its length byte is '{' or '['.</summary>
    [Theory]
    [InlineData(123)]
    [InlineData(91)]
    public void Read_ProtobufWhoseFirstLengthByteIsABrace_IsProtobuf(int length)
    {
        byte[]? bytes = null;
        for (int pad = 0; pad < 200 && bytes is null; pad++)
        {
            var candidate = Otlp.Request(new string('s', pad), Otlp.Span("apply", 7));
            if (candidate[1] == length && candidate[0] == 0x0a)
            {
                bytes = candidate;
            }
        }

        bytes.Should().NotBeNull();
        var sink = new SpanCollector();
        SpanCollector.ReadBytes(bytes!, sink).Format.Should().Be(TraceFormat.OtlpProtobuf);
        sink.Spans.Should().ContainSingle();
    }
}
