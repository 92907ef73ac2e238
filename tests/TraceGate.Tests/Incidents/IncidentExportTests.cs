using FluentAssertions;
using TraceGate.Core.Otlp;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Incidents;

/// <summary><c>tracegate incident export</c> against loopback Jaeger and Tempo servers that answer with recorded real
/// answers (Incidents/Fixtures/SOURCES.md), checking the bearer token.</summary>
public sealed class IncidentExportTests : IDisposable
{
    private const string Token = "s3cr3t-backend-token-7f1c";
    private static readonly Dictionary<string, string?> Env = new() { ["TRACE_TOKEN"] = Token };
    private static readonly TraceGate.Cli.Publishers.RetryPolicy Fast = new() { MaxAttempts = 2, BaseDelay = TimeSpan.Zero, AttemptTimeout = TimeSpan.FromSeconds(10), Sleep = (_, _) => Task.CompletedTask };
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private CliResult Export(params string[] args) => CliHarness.RunWithHttp(_dir.Path, Env, null, Fast, ["incident", "export", .. args]);

    private static (long Spans, TraceFileInfo Info, List<string> Ids) ReadBack(string file)
    {
        var ids = new List<string>();
        var sink = new Sink(ids);
        using var stream = File.OpenRead(file);
        var info = TraceFileReader.Read(file, stream, new ReadOptions(), sink);
        return (info.Spans, info, ids);
    }

    private sealed class Sink(List<string> ids) : ISpanSink
    {
        public void OnSpan(SpanData span) => ids.Add($"{span.TraceId}/{SpanData.SpanIdText(span.SpanId)}/{span.Name}/{span.Status}");
    }

    [Fact]
    public async Task Export_FromJaegerApiV3_WritesTheTraceAsOtlpJsonWithTheToken()
    {
        await using var jaeger = new TraceBackendServer(Token)
            .Serve("/api/v3/traces/00000000000000000000000000000001", 200, "Traces/Fixtures/real/jaeger/apiv3-GetTrace.json");

        var r = Export("--trace-id", "00000000000000000000000000000001", "--from", $"jaeger={jaeger.Url}", "--token-env", "TRACE_TOKEN", "--out", "incidents/INC-1/trace.json");

        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("wrote 1 spans of trace 00000000000000000000000000000001 from jaeger at http://127.0.0.1:")
            .And.Contain("jaeger-api-v3-json").And.Contain("to incidents/INC-1/trace.json");
        var (spans, info, ids) = ReadBack(Path.Combine(_dir.Path, "incidents", "INC-1", "trace.json"));
        info.Format.Should().Be(TraceFormat.OtlpJson);
        spans.Should().Be(1);
        ids.Should().Equal("00000000000000000000000000000001/0000000000000002/foobar/Error");
        jaeger.Requests.Should().ContainSingle().Which.Should().Be(("/api/v3/traces/00000000000000000000000000000001", "Bearer " + Token));
        (r.Out + r.Error).Should().NotContain(Token);
    }

    [Fact]
    public async Task Export_FromJaegerWithoutApiV3_AsksTheUiApiAndGivesTheSpansOfJaegersOwnOtlpPair()
    {
        await using var jaeger = new TraceBackendServer(Token)
            .Serve("/api/traces/83a9efd15c1c98a977e0711cc93ee28b", 200, "Traces/Fixtures/real/jaeger/otlp2jaeger-out.json");

        var r = Export("--trace-id", "83a9efd15c1c98a977e0711cc93ee28b", "--from", $"jaeger={jaeger.Url}/", "--token-env", "TRACE_TOKEN", "--out", "t.json");

        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("wrote 2 spans").And.Contain("rebuilt from Jaeger's UI model, which has no event attributes");
        jaeger.Requests.Select(q => q.Path).Should().Equal("/api/v3/traces/83a9efd15c1c98a977e0711cc93ee28b", "/api/traces/83a9efd15c1c98a977e0711cc93ee28b");
        // Jaeger's own conversion pair: the OTLP it was given and the UI model it answered hold the same spans.
        var (_, _, exported) = ReadBack(Path.Combine(_dir.Path, "t.json"));
        var (_, _, original) = ReadBack(TraceBackendServer.Recorded("Traces/Fixtures/real/otlp/otlp2jaeger-in.json"));
        exported.Should().BeEquivalentTo(original);
    }

    [Fact]
    public async Task Export_FromTempo_TurnsBase64IdsIntoHexAndKeepsOnlyTheTrace()
    {
        await using var tempo = new TraceBackendServer(Token)
            .Serve("/api/traces/e8b6dff9f8d44b28f1b22bc3bd2f6768", 200, "Traces/Fixtures/real/tempo/trace-with-failed-requests.json");

        var r = Export("--trace-id", "E8B6DFF9F8D44B28F1B22BC3BD2F6768", "--from", $"tempo={tempo.Url}", "--token-env", "TRACE_TOKEN");

        r.ExitCode.Should().Be(0, r.Error);
        r.Error.Should().Contain("wrote 15 spans of trace e8b6dff9f8d44b28f1b22bc3bd2f6768 from tempo").And.Contain("to standard output");
        r.Out.Should().Contain("\"traceId\": \"e8b6dff9f8d44b28f1b22bc3bd2f6768\"").And.NotContain("6Lbf+fjUSyjxsivDvS9naA==");
        File.WriteAllText(Path.Combine(_dir.Path, "out.json"), r.Out);
        var (spans, info, ids) = ReadBack(Path.Combine(_dir.Path, "out.json"));
        (info.Format, spans).Should().Be((TraceFormat.OtlpJson, 15L));
        ids.Should().Contain(i => i.EndsWith("/Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_TraceTheBackendDoesNotHave_Exit2WithJaegersMessage()
    {
        await using var jaeger = new TraceBackendServer(Token)
            .Serve("/api/traces/0123456789abcdef0123456789abcdef", 404, "Incidents/Fixtures/jaeger-trace-not-found.json");

        var r = Export("--trace-id", "0123456789abcdef0123456789abcdef", "--from", $"jaeger={jaeger.Url}", "--token-env", "TRACE_TOKEN", "--out", "t.json");

        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("trace 0123456789abcdef0123456789abcdef was not found (GET /api/traces/0123456789abcdef0123456789abcdef: HTTP 404: trace not found)");
        File.Exists(Path.Combine(_dir.Path, "t.json")).Should().BeFalse();
    }

    [Fact]
    public async Task Export_TokenRefused_Exit2SaysSoAndNeverPrintsTheToken()
    {
        await using var jaeger = new TraceBackendServer("another-token")
            .Serve("/api/traces/83a9efd15c1c98a977e0711cc93ee28b", 200, "Traces/Fixtures/real/jaeger/otlp2jaeger-out.json");

        var r = Export("--trace-id", "83a9efd15c1c98a977e0711cc93ee28b", "--from", $"jaeger={jaeger.Url}", "--token-env", "TRACE_TOKEN");

        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("could not be reached (GET /api/v3/traces/83a9efd15c1c98a977e0711cc93ee28b: HTTP 401: the backend refused the request (the token was refused))");
        (r.Out + r.Error).Should().NotContain(Token);
    }

    [Fact]
    public void Export_BackendNotListening_Exit2AfterRetries()
    {
        int port;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }

        var r = Export("--trace-id", "83a9efd15c1c98a977e0711cc93ee28b", "--from", $"tempo=http://127.0.0.1:{port}");

        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("the backend could not be reached").And.Contain("after 2 attempts");
    }

    [Theory]
    [InlineData("zipkin=http://127.0.0.1:9411", "unknown backend kind 'zipkin': expected jaeger or tempo")]
    [InlineData("jaeger", "expected jaeger=URL or tempo=URL")]
    [InlineData("jaeger=not a url", "'not a url' is not an http:// or https:// URL")]
    [InlineData("jaeger=ftp://host/x", "is not an http:// or https:// URL")]
    [InlineData("jaeger=http://user:pw@host:16686", "must not carry a user name or password")]
    [InlineData("tempo=http://host:3200/?x=1", "must not have a query or fragment")]
    public void Export_BadBackend_Exit2NamesWhatIsExpected(string from, string expected)
    {
        var r = Export("--trace-id", "83a9efd15c1c98a977e0711cc93ee28b", "--from", from);

        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("--from").And.Contain(expected);
        r.Error.Should().NotContain("pw@");
    }

    [Theory]
    [InlineData("xyz", "expected a trace id of 32 hex digits")]
    [InlineData("00000000000000000000000000000000", "not all zeros")]
    public void Export_BadTraceId_Exit2(string id, string expected)
    {
        var r = Export("--trace-id", id, "--from", "jaeger=http://127.0.0.1:1");

        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain(expected);
    }

    [Fact]
    public void Export_TokenVariableNotSet_Exit2()
    {
        var r = Export("--trace-id", "83a9efd15c1c98a977e0711cc93ee28b", "--from", "jaeger=http://127.0.0.1:1", "--token-env", "NOT_SET_ANYWHERE");

        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("--token-env NOT_SET_ANYWHERE: the variable is not set or empty");
    }
}
