using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>The CLI on Jaeger, Zipkin and Tempo files: the same answers as on the OTLP of the same trace, the format
/// named in the traces.files check, and unknown JSON refused with exit 2.</summary>
public sealed class ForeignTraceCliTests : IDisposable
{
    private readonly TempDir _ws = new();

    public ForeignTraceCliTests()
    {
        // Jaeger's own conversion pair: telemetrygen's OTLP, and what Jaeger's query service made of it.
        File.Copy(Real("otlp/otlp2jaeger-in.json"), _ws.File("otlp.json"));
        File.Copy(Real("jaeger/otlp2jaeger-out.json"), _ws.File("jaeger-download.json"));
    }

    public void Dispose() => _ws.Dispose();

    private static string Real(string name) => Repo.Fixture($"Traces/Fixtures/real/{name}");

    [Fact]
    public void Summarize_JaegerDownload_GivesTheSameSpansAsItsOtlp()
    {
        var otlp = CliHarness.Run(_ws.Path, "traces", "summarize", "otlp.json");
        var jaeger = CliHarness.Run(_ws.Path, "traces", "summarize", "jaeger-download.json");
        otlp.ExitCode.Should().Be(0, otlp.Error);
        jaeger.ExitCode.Should().Be(0, jaeger.Error);
        otlp.Out.Should().StartWith("2 spans");
        jaeger.Out.Should().Be(otlp.Out);
    }

    [Fact]
    public void Check_JaegerDownload_HoldsThePolicyDraftedFromItsOtlp_AndNamesTheFormat()
    {
        CliHarness.Run(_ws.Path, "init", "--traces", "otlp.json").ExitCode.Should().Be(0);
        var otlp = CliHarness.Run(_ws.Path, "check", "--traces", "otlp.json");
        var jaeger = CliHarness.Run(_ws.Path, "check", "--traces", "jaeger-download.json");
        otlp.ExitCode.Should().Be(0, otlp.Out + otlp.Error);
        jaeger.ExitCode.Should().Be(0, jaeger.Out + jaeger.Error);
        jaeger.Out.Replace("jaeger-download.json: jaeger-json (/api/traces answer or UI download, 1 trace(s))", "FILE")
            .Should().Be(otlp.Out.Replace("otlp.json: otlp-json", "FILE"));
        CliHarness.Run(_ws.Path, "check", "--traces", "jaeger-download.json", "--report-json", "report.json");
        File.ReadAllText(_ws.File("report.json")).Should().Contain("jaeger-download.json: jaeger-json (/api/traces answer or UI download, 1 trace(s)), 2 spans");
    }

    [Fact]
    public void Check_JsonOfUnknownShape_ExitsTwoNamingTheFileAndWhatItLooksLike()
    {
        _ws.Write("search.json", "{\"data\":[{\"id\":1}],\"total\":1}");
        var r = CliHarness.Run(_ws.Path, "check", "--traces", "search.json");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("search.json: line 1 (byte offset 0): a JSON object with keys data, total: not a trace file");
    }

    [Fact]
    public void Check_TempoPartialAnswer_WarnsThatTheTraceMayBeIncomplete()
    {
        // Tempo's /api/v2/traces/{id} wraps the trace in tempopb.TraceByIDResponse; the trace is a real Tempo answer.
        var trace = File.ReadAllText(Real("tempo/trace-with-failed-requests.json"));
        _ws.Write("partial.json", $"{{\"trace\":{trace},\"status\":\"PARTIAL\",\"message\":\"trace exceeds max size\"}}");
        _ws.Write(".tracegate.yml", "version: 1\nevidence:\n  fields: {}\ntraces:\n  files: ['partial.json']\n");
        var r = CliHarness.Run(_ws.Path, "check", "--report-json", "report.json");
        var report = File.ReadAllText(_ws.File("report.json"));
        report.Should().Contain("partial.json: tempo-v2-json (/api/v2/traces, status PARTIAL), 15 spans")
            .And.Contain("Tempo answered with status PARTIAL: the trace may be incomplete (trace exceeds max size)");
        r.Out.Should().Contain("warn  traces.files  read 15 spans", r.Error);
    }
}
