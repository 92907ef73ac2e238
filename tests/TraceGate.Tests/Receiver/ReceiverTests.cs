using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using FluentAssertions;
using Google.Protobuf;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TraceGate.Cli.Receiver;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Receiver;

/// <summary>The receiver in-process, fed by the real OpenTelemetry .NET SDK exporter and by hand-made requests.</summary>
public sealed class ReceiverTests : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new();
    private ReceiveServer _server = null!;
    private readonly HttpClient _http = new();

    private string Out => _dir.File("traces.pb");

    public async Task InitializeAsync() => _server = await ReceiveServer.StartAsync(new ReceiveOptions(IPAddress.Loopback, 0, Out, Proto: true) { MaxBodyBytes = 1024 * 1024 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private Uri Traces => new(_server.Url, "/v1/traces");

    private List<string> ReadBack()
    {
        var sink = new SpanCollector();
        using var s = File.OpenRead(Out);
        TraceGate.Core.Otlp.TraceFileReader.Read("traces.pb", s, new TraceGate.Core.Traces.ReadOptions(), sink);
        return sink.Spans;
    }

    [Fact]
    public async Task DotnetSdkOtlpExporter_EverySpanArrivesWithIdsAttributesEventsAndTimes()
    {
        using var source = new ActivitySource("payments.transfer");
        using var exporterErrors = new ExporterErrors();
        var sent = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource("payments.transfer")
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("transfer-svc"))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = Traces;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
                // The exporter drops a span whose export is not answered within its timeout (10 s by default) and
                // says so only in its event source: on a loaded machine, with the test host's thread pool busy, the
                // in-process receiver once answered one of 50 exports too late. The receiver is under test, not the
                // exporter's patience.
                o.TimeoutMilliseconds = 120_000;
            })
            .Build())
        {
            for (int i = 0; i < 25; i++)
            {
                using var root = source.StartActivity("POST /transfer", ActivityKind.Server)!;
                root.SetTag("http.route", "/transfer");
                using (var apply = source.StartActivity("apply")!)
                {
                    apply.SetTag("transfer.amount", 100 + i);
                    apply.AddEvent(new ActivityEvent("fee_debit"));
                    apply.AddEvent(new ActivityEvent("debit"));
                    sent.Add(apply);
                }

                sent.Add(root);
            }

            provider.ForceFlush(10_000).Should().BeTrue();
        }

        await _server.DisposeAsync();
        _server = await ReceiveServer.StartAsync(new ReceiveOptions(IPAddress.Loopback, 0, _dir.File("other.pb"), true));
        var received = ReadBack();
        received.Should().HaveCount(50, "every export was answered (the exporter's own errors: {0})", string.Join("; ", exporterErrors.Messages));
        foreach (var a in sent)
        {
            var line = received.Single(r => r.StartsWith($"{a.TraceId.ToHexString()} {a.SpanId.ToHexString()} ", StringComparison.Ordinal));
            line.Should().Contain($" {a.DisplayName} ").And.Contain("svc=transfer-svc");
            if (a.DisplayName == "apply")
            {
                line.Should().Contain($"transfer.amount=Int:{a.GetTagItem("transfer.amount")}").And.Contain("events=[fee_debit@").And.Contain(",debit@");
                line.Should().Contain(" " + a.Parent!.SpanId.ToHexString() + " ");
            }

            long startNs = (a.StartTimeUtc - DateTime.UnixEpoch).Ticks * 100;
            line.Should().Contain($" {startNs} ");
        }
    }

    [Theory]
    [InlineData("proto")]
    [InlineData("json")]
    public async Task JsSdkOtlpHttpExporters_DeliverTheRunExactly(string format)
    {
        // tests/fixture-gen/export.mjs re-exports the payments run through the JS SDK's BatchSpanProcessor and its
        // OTLP/HTTP exporter (protobuf or JSON); what arrives must equal the committed fixture of the same run.
        var psi = new ProcessStartInfo("node", ["export.mjs", _server.Url.ToString(), format])
        {
            WorkingDirectory = Path.Combine(Repo.Root, "tests", "fixture-gen"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(psi)!;
        var err = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        node.ExitCode.Should().Be(0, err);
        ReadBack().Order().Should().Equal(SpanCollector.Read(Repo.Fixture("Traces/Fixtures/payments/good.pb")).Spans.Order());
    }

    [Fact]
    public async Task DotnetSdkOtlpGrpcExporter_DeliversOverHttp2()
    {
        var grpcPort = FreePort();
        await using var server = await ReceiveServer.StartAsync(new ReceiveOptions(IPAddress.Loopback, 0, _dir.File("grpc.pb"), true) { GrpcPort = grpcPort });
        server.GrpcUrl.Should().NotBeNull();
        using var source = new ActivitySource("payments.grpc");
        var ids = new List<string>();
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource("payments.grpc")
            .AddOtlpExporter(o =>
            {
                o.Endpoint = server.GrpcUrl!;
                o.Protocol = OtlpExportProtocol.Grpc;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            for (int i = 0; i < 10; i++)
            {
                using var a = source.StartActivity("apply")!;
                a.SetTag("transfer.amount", i);
                ids.Add(a.SpanId.ToHexString());
            }

            provider.ForceFlush(10_000).Should().BeTrue();
        }

        server.Spans.Should().Be(10);
        await server.DisposeAsync();
        SpanCollector.Read(_dir.File("grpc.pb")).Spans.Select(s => s.Split(' ')[1]).Should().BeEquivalentTo(ids);
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static ByteArrayContent Proto(byte[] body)
    {
        var c = new ByteArrayContent(body);
        c.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return c;
    }

    [Fact]
    public async Task OtherContentType_Is415()
    {
        var r = await _http.PostAsync(Traces, new StringContent("hello", System.Text.Encoding.UTF8, "text/plain"));
        r.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task MalformedProtobuf_Is400WithAStatusBody()
    {
        var r = await _http.PostAsync(Traces, Proto([0x0a, 0xff, 0x01]));
        r.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        RpcStatus.Parser.ParseFrom(await r.Content.ReadAsByteArrayAsync()).Message.Should().StartWith("malformed OTLP trace request");
        File.Exists(Out).Should().BeTrue();
        new FileInfo(Out).Length.Should().Be(0, "nothing is written for a rejected request");
    }

    [Fact]
    public async Task MalformedJson_Is400()
    {
        var r = await _http.PostAsync(Traces, new StringContent("{\"resourceSpans\": [", System.Text.Encoding.UTF8, "application/json"));
        r.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await r.Content.ReadAsStringAsync()).Should().Contain("\"message\":\"malformed OTLP trace request");
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413()
    {
        var r = await _http.PostAsync(Traces, Proto(new byte[2 * 1024 * 1024]));
        r.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task GzipBombOverTheLimitOnceDecompressed_Is413()
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(new byte[8 * 1024 * 1024]);
        }

        var content = Proto(ms.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        (await _http.PostAsync(Traces, content)).StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task GzipProtobuf_IsAcceptedAndWrittenBeforeTheAnswer()
    {
        var body = Otlp.Request(Otlp.Span("apply", 1), Otlp.Span("validate", 2));
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(body);
        }

        var content = Proto(ms.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        var r = await _http.PostAsync(Traces, content);
        r.StatusCode.Should().Be(HttpStatusCode.OK);
        r.Content.Headers.ContentType!.MediaType.Should().Be("application/x-protobuf");
        ExportTraceServiceResponse.Parser.ParseFrom(await r.Content.ReadAsByteArrayAsync()).PartialSuccess.Should().BeNull();
        ReadBack().Should().HaveCount(2, "the record is in the file when the answer arrives");
    }

    [Fact]
    public async Task SpansWithBadIds_AreRejectedAsPartialSuccess()
    {
        var bad = Otlp.Span("bad", 3);
        bad.TraceId = ByteString.CopyFrom(1, 2, 3);
        var r = await _http.PostAsync(Traces, Proto(Otlp.Request(Otlp.Span("good", 1), bad)));
        r.StatusCode.Should().Be(HttpStatusCode.OK);
        var partial = ExportTraceServiceResponse.Parser.ParseFrom(await r.Content.ReadAsByteArrayAsync()).PartialSuccess;
        partial.RejectedSpans.Should().Be(1);
        ReadBack().Should().ContainSingle().Which.Should().Contain(" good ");
    }

    [Fact]
    public async Task JsonRequests_AreStoredAndReadBackLikeProtobuf()
    {
        var json = File.ReadAllText(Repo.Fixture("Traces/Fixtures/payments/good.json"));
        var r = await _http.PostAsync(Traces, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        r.StatusCode.Should().Be(HttpStatusCode.OK);
        (await r.Content.ReadAsStringAsync()).Should().Be("{}");
        ReadBack().Should().Equal(SpanCollector.Read(Repo.Fixture("Traces/Fixtures/payments/good.pb")).Spans);
    }

    [Fact]
    public async Task JsonLinesOutput_HoldsTheSameSpansAsTheProtobufSent()
    {
        var jsonl = _dir.File("traces.jsonl");
        await using var server = await ReceiveServer.StartAsync(new ReceiveOptions(IPAddress.Loopback, 0, jsonl, Proto: false));
        var body = File.ReadAllBytes(Repo.Fixture("Traces/Fixtures/payments/buggy.pb"));
        (await _http.PostAsync(new Uri(server.Url, "/v1/traces"), Proto(body))).StatusCode.Should().Be(HttpStatusCode.OK);
        await server.DisposeAsync();
        SpanCollector.Read(jsonl).Spans.Should().Equal(SpanCollector.Read(Repo.Fixture("Traces/Fixtures/payments/buggy.pb")).Spans);
    }

    [Fact]
    public async Task EverySlotBusy_Is503WithRetryAfter()
    {
        await using var server = await ReceiveServer.StartAsync(new ReceiveOptions(IPAddress.Loopback, 0, _dir.File("busy.pb"), true) { MaxConcurrent = 1 });
        // A request whose body never finishes holds the only slot.
        var stalled = new StalledContent();
        var first = _http.PostAsync(new Uri(server.Url, "/v1/traces"), stalled);
        await stalled.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        var r = await _http.PostAsync(new Uri(server.Url, "/v1/traces"), Proto(Otlp.Request(Otlp.Span("x", 1))));
        r.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        r.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        stalled.Finish();
        (await first.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private sealed class StalledContent : HttpContent
    {
        private readonly TaskCompletionSource _finish = new();

        public StalledContent() => Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        public TaskCompletionSource Started { get; } = new();

        public void Finish() => _finish.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var body = Otlp.Request(Otlp.Span("slow", 9));
            await stream.WriteAsync(body.AsMemory(0, 2));
            await stream.FlushAsync();
            Started.TrySetResult();
            await _finish.Task;
            await stream.WriteAsync(body.AsMemory(2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
