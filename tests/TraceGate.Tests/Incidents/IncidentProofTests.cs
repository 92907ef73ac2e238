using FluentAssertions;
using TraceGate.Core.Rendering;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Incidents;

/// <summary>
/// proof.&lt;rule id&gt; and proof.incident on the payments example (its committed artifacts: the head run's spans,
/// the base run's, and the incident's trace that the OpenTelemetry JS SDK recorded from the buggy base code), and
/// proof.incident against loopback Jaeger servers answering with recorded real answers.
/// </summary>
public sealed class IncidentProofTests
{
    private static string[] ExampleArgs(string ws, params string[] extra) =>
        ["check", "--workspace", ws, "--pr-body", Path.Combine(ws, "pr-body.md"), "--commits", Path.Combine(ws, "commits.nul"), .. extra];

    private static TempDir CopyOfExample()
    {
        var dir = new TempDir();
        foreach (var file in Directory.EnumerateFiles(Repo.Example, "*", SearchOption.AllDirectories)
                     .Where(f => !Path.GetRelativePath(Repo.Example, f).StartsWith("node_modules", StringComparison.Ordinal)))
        {
            var target = Path.Combine(dir.Path, Path.GetRelativePath(Repo.Example, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return dir;
    }

    [Fact]
    public void Check_PaymentsExample_ProvesTheRuleAndTheIncident()
    {
        using var out_ = new TempDir();
        var r = CliHarness.Run(Repo.Root, ExampleArgs("examples/payments", "--report-json", out_.File("r.json"), "--summary-md", out_.File("s.md")));

        r.ExitCode.Should().Be(0, r.Out);
        r.Out.Should().Contain("pass  proof.fee-before-debit").And.Contain("fails before the fix (30 of 30 spans: events out of order: expected fee_debit, debit, credit; events seen: lock_acquired, debit, credit, fee_debit) and passes after it (30 spans: events in order fee_debit, debit, credit; no event invariant.violation; no status ERROR)");
        r.Out.Should().Contain("pass  proof.incident").And.Contain("trace 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2 (incidents/INC-2471/trace-3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2.json, 3 spans) shows the bug: fee-before-debit fails on it (1 of 1 spans:");
        var report = JsonReportReader.Read(File.ReadAllText(out_.File("r.json")));
        var rule = report.Proof!.Rules.Should().ContainSingle().Subject;
        (rule.Rule, rule.Baseline!.Held, rule.Head!.Held, rule.Incident!.Held).Should().Be(("fee-before-debit", false, true, false));
        rule.Baseline.Groups.Should().ContainSingle().Which.Spans.Should().Be(30);
        rule.Incident.Timeline.Select(s => s.Name).Should().Contain("apply");
        report.Proof.Incident!.Source.Should().Be("incidents/INC-2471/trace-3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2.json");
        // The step summary and PR comments draw the diagram (Mermaid renders there); --summary-md is the check run's text.
        var md = MarkdownReport.Render(report, 1_000_000, mermaid: true);
        File.ReadAllText(out_.File("s.md")).Should().Contain("### Proof: the traces before and after the fix").And.NotContain("```mermaid");
        md.Should().Contain("### Proof: the traces before and after the fix").And.Contain("| before the fix | 30 | 30 | 30 spans: events out of order")
            .And.Contain("```mermaid\ngantt\n").And.Contain("section before the fix").And.Contain("· lock_acquired :milestone,");
    }

    [Fact]
    public void Check_FixThatStillDebitsTheFeeLast_FailsTheProvingRule()
    {
        // The incident's own spans as the head run: a "fix" that still debits the fee after the transfer.
        var r = CliHarness.Run(Repo.Root, ExampleArgs("examples/payments", "--traces", "incident/buggy.pb"));

        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  proof.fee-before-debit").And.Contain("still fails after the fix: 30 of 30 spans break the rule");
    }

    [Fact]
    public void Check_IncidentTraceThatDoesNotShowTheBug_FailsProofIncident()
    {
        using var copy = CopyOfExample();
        // A trace of the fixed service in place of the incident's: the proving rule passes on it.
        Directory.Delete(Path.Combine(copy.Path, "incidents", "INC-2471"), recursive: true);
        Directory.CreateDirectory(Path.Combine(copy.Path, "incidents", "INC-2471"));
        File.Copy(Path.Combine(copy.Path, "artifacts", "traces", "transfer-tests.pb"), Path.Combine(copy.Path, "incidents", "INC-2471", "fixed.pb"));
        string first = FirstTraceId(Path.Combine(copy.Path, "artifacts", "traces", "transfer-tests.pb"));
        var pr = Path.Combine(copy.Path, "pr-body.md");
        File.WriteAllText(pr, File.ReadAllText(pr).Replace("3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2", first, StringComparison.Ordinal));
        var commits = File.ReadAllText(Path.Combine(copy.Path, "commits.nul")).Replace("3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2", first, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(copy.Path, "commits.nul"), commits);

        var r = CliHarness.Run(copy.Path, ExampleArgs(copy.Path));

        r.ExitCode.Should().Be(1, r.Out);
        r.Out.Should().Contain("FAIL  proof.incident").And.Contain($"trace {first} (incidents/INC-2471/fixed.pb, 3 spans) does not show the bug: fee-before-debit passes on it (1 spans)");
    }

    [Fact]
    public void Check_IncidentIdLeavingTheFolder_Exit2()
    {
        using var copy = CopyOfExample();
        var policy = Path.Combine(copy.Path, ".tracegate.yml");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("pattern: '^[A-Z][A-Z0-9]+-[0-9]+$', ", "pattern: '', ", StringComparison.Ordinal));
        var pr = Path.Combine(copy.Path, "pr-body.md");
        File.WriteAllText(pr, File.ReadAllText(pr).Replace("Incident: [INC-2471](https://tickets.example/browse/INC-2471)", "Incident: ../../etc", StringComparison.Ordinal));

        var r = CliHarness.Run(copy.Path, ["check", "--workspace", copy.Path, "--pr-body", pr]);

        r.ExitCode.Should().Be(2, r.Out);
        r.Error.Should().Contain("the incident id '../../etc' from the evidence would leave the incident traces' folder");
    }

    private const string Token = "jaeger-token-93b1";

    private static string Workspace(TempDir dir, string traceId, string select = "span[name=\"foobar\"]")
    {
        File.WriteAllText(dir.File(".tracegate.yml"), $$"""
            version: 1
            evidence:
              fields:
                incident: { required: true }
                trace: { required: true, kind: trace-id }
            traces:
              files: ['head.json']
              rules:
                - id: no-errors
                  select: '{{select}}'
                  status: ok
                  proves: true
            """);
        File.WriteAllText(dir.File("pr.md"), $"Incident: INC-9\nPrimary trace: {traceId}\n");
        File.Copy(TraceBackendServer.Recorded("Traces/Fixtures/real/otlp/example_trace.json"), dir.File("head.json"));
        return dir.Path;
    }

    private static CliResult CheckWithBackend(string ws, string backend) =>
        CliHarness.Run(ws, new Dictionary<string, string?> { ["JAEGER_TOKEN"] = Token },
            "check", "--workspace", ws, "--pr-body", Path.Combine(ws, "pr.md"), "--trace-backend", backend, "--trace-backend-token-env", "JAEGER_TOKEN");

    [Fact]
    public async Task Check_IncidentTraceFromJaeger_FetchedWithTheTokenAndJudged()
    {
        using var dir = new TempDir();
        string ws = Workspace(dir, "00000000000000000000000000000001");
        await using var jaeger = new TraceBackendServer(Token)
            .Serve("/api/v3/traces/00000000000000000000000000000001", 200, "Traces/Fixtures/real/jaeger/apiv3-GetTrace.json");

        var r = CheckWithBackend(ws, $"jaeger={jaeger.Url}");

        r.Out.Should().Contain("pass  proof.incident").And.Contain($"trace 00000000000000000000000000000001 (jaeger at {jaeger.Url} (jaeger-api-v3-json (OTLP JSON in result)), 1 spans) shows the bug: no-errors fails on it (1 of 1 spans: has status ERROR)");
        jaeger.Requests.Should().ContainSingle().Which.Authorization.Should().Be("Bearer " + Token);
        (r.Out + r.Error).Should().NotContain(Token);
    }

    [Fact]
    public async Task Check_IncidentTraceFromTempo_FetchedWithTheTokenAndJudged()
    {
        // Tempo's own recorded answer (ids in base64, enum names): the failed INSERT is the bug the rule proves.
        const string traceId = "e8b6dff9f8d44b28f1b22bc3bd2f6768";
        using var dir = new TempDir();
        string ws = Workspace(dir, traceId, select: "span[name=\"pg.query:INSERT\"]");
        await using var tempo = new TraceBackendServer(Token)
            .Serve($"/api/traces/{traceId}", 200, "Traces/Fixtures/real/tempo/trace-with-failed-requests.json");

        var r = CheckWithBackend(ws, $"tempo={tempo.Url}");

        r.Out.Should().Contain("pass  proof.incident").And.Contain($"trace {traceId} (tempo at {tempo.Url}")
            .And.Contain("15 spans) shows the bug: no-errors fails on it (1 of 1 spans: has status ERROR");
        tempo.Requests.Should().ContainSingle().Which.Authorization.Should().Be("Bearer " + Token);
        (r.Out + r.Error).Should().NotContain(Token);
    }

    [Fact]
    public async Task Check_TraceJaegerDoesNotHave_FailsProofIncident()
    {
        using var dir = new TempDir();
        string ws = Workspace(dir, "0123456789abcdef0123456789abcdef");
        await using var jaeger = new TraceBackendServer(Token)
            .Serve("/api/traces/0123456789abcdef0123456789abcdef", 404, "Incidents/Fixtures/jaeger-trace-not-found.json");

        var r = CheckWithBackend(ws, $"jaeger={jaeger.Url}");

        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  proof.incident").And.Contain($"trace 0123456789abcdef0123456789abcdef is not in jaeger at {jaeger.Url}: GET /api/traces/0123456789abcdef0123456789abcdef: HTTP 404: trace not found");
    }

    [Fact]
    public void Check_BackendUnreachable_IsInconclusiveNeverAPass()
    {
        using var dir = new TempDir();
        string ws = Workspace(dir, "0123456789abcdef0123456789abcdef");
        int port;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }

        var r = CheckWithBackend(ws, $"tempo=http://127.0.0.1:{port}");

        r.Out.Should().Contain("inconclusive  proof.incident").And.Contain("trace 0123456789abcdef0123456789abcdef could not be fetched from tempo at");
        r.Out.Should().NotContain("pass  proof.incident");
    }

    [Theory]
    [InlineData("zipkin=http://127.0.0.1:9411", "unknown backend kind 'zipkin'")]
    [InlineData("jaeger=127.0.0.1:16686", "is not an http:// or https:// URL")]
    public void Check_BadTraceBackend_Exit2(string backend, string expected)
    {
        using var dir = new TempDir();
        string ws = Workspace(dir, "0123456789abcdef0123456789abcdef");

        var r = CheckWithBackend(ws, backend);

        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("--trace-backend").And.Contain(expected);
    }

    [Fact]
    public void ProofMarkdown_HostileSpanNames_StayInertInTheDiagram()
    {
        ProofMarkdown.Safe("x\n```\n%%{init: {}}%%\nclick a call evil()", 200).Should().MatchRegex("^· [A-Za-z0-9_./ -]*$");
        ProofMarkdown.Safe("section", 40).Should().Be("· section");
    }

    private static string FirstTraceId(string file)
    {
        string? first = null;
        using var stream = File.OpenRead(file);
        Core.Otlp.TraceFileReader.Read(file, stream, new Core.Traces.ReadOptions(), new First(id => first ??= id));
        return first!;
    }

    private sealed class First(Action<string> take) : Core.Traces.ISpanSink
    {
        public void OnSpan(Core.Traces.SpanData span) => take(span.TraceId.ToString());
    }
}
