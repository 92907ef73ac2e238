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
}
