using System.Text.Json.Nodes;
using FluentAssertions;
using Json.Schema;
using TraceGate.Core.Policy;
using TraceGate.Core.Rendering;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Model;

namespace TraceGate.Tests.Rendering;

/// <summary>
/// The JSON report is one contract with three parties: <c>schema/report.schema.json</c>, the writer
/// (<see cref="JsonReport"/>) and the reader (<see cref="JsonReportReader"/>, which the fork flow's publish job runs
/// on an artifact it cannot trust). These tests hold the three to each other: every golden report validates against
/// the schema; reading it back renders the same Markdown and console report as the live run (nothing is lost on the
/// way); and the reader refuses exactly what the schema refuses, naming the member.
///
/// ADDING A MEMBER STARTS HERE. A new outcome, a new evidence source (a <c>label</c>), a <c>proof</c> member, a
/// <c>tool</c> member, anything the writer starts to write: (1) describe it in the schema; (2) write it in
/// JsonReport; (3) read and validate it in JsonReportReader (an unknown member is refused, so a member the reader does
/// not know fails every golden case below); (4) make a golden case under Cli/Cases/ carry it; (5) add to
/// <see cref="Mutations"/> the ways it can be wrong. Then these tests say whether writer, reader and schema agree.
/// </summary>
public sealed class ReportContractTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(System.IO.Path.Combine(Repo.Root, "schema", "report.schema.json"))));

    public static TheoryData<string> GoldenCases() =>
        new(Directory.GetDirectories(System.IO.Path.Combine(Repo.Root, "tests", "TraceGate.Tests", "Cli", "Cases")).Select(System.IO.Path.GetFileName).Order()!);

    private static string CaseFile(string name, string file) => System.IO.Path.Combine(Repo.Root, "tests", "TraceGate.Tests", "Cli", "Cases", name, file);

    private static EvaluationResults Evaluate(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Errors(EvaluationResults results) =>
        string.Join("\n", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));

    /// <summary>Every golden JSON report in the repository: the CLI cases and the PR-description cases.</summary>
    public static TheoryData<string> GoldenReports()
    {
        string tests = System.IO.Path.Combine(Repo.Root, "tests", "TraceGate.Tests");
        var files = Directory.GetFiles(System.IO.Path.Combine(tests, "Cli", "Cases"), "report.json", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(System.IO.Path.Combine(tests, "Evidence", "Fixtures", "pr-bodies"), "*.expected.json"));
        return new(files.Select(f => System.IO.Path.GetRelativePath(tests, f).Replace('\\', '/')).Order());
    }

    [Theory]
    [MemberData(nameof(GoldenReports))]
    public void GoldenReport_ValidatesAgainstTheSchemaAndIsRead(string relative)
    {
        string json = File.ReadAllText(System.IO.Path.Combine(Repo.Root, "tests", "TraceGate.Tests", relative));
        var results = Evaluate(json);
        results.IsValid.Should().BeTrue(Errors(results));
        var read = () => JsonReportReader.Read(json);
        read.Should().NotThrow("what the writer writes, the reader reads");
    }

    /// <summary>render(read(write(report))) == render(report): the golden report.json is write(report), and the
    /// golden summary.md and console.txt are render(report) of the same live run.</summary>
    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void GoldenReport_ReadBack_RendersTheSameMarkdownAndConsoleReport(string name)
    {
        // The golden files hold {version} where the release version goes (Golden.Versionless): put it back first.
        string written = File.ReadAllText(CaseFile(name, "report.json")).Replace("\"{version}\"", $"\"{TraceGate.Cli.ToolVersion.Version}\"", StringComparison.Ordinal);
        var report = JsonReportReader.Read(written);
        report.Tool.Should().NotBeNull("the golden reports name the tool");
        Golden.Versionless(MarkdownReport.Render(report)).Should().Be(File.ReadAllText(CaseFile(name, "summary.md")));
        Golden.Versionless(ConsoleReport.Render(report, color: false)).Should().Be(File.ReadAllText(CaseFile(name, "console.txt")));
        JsonReport.Render(report).Should().Be(written, "writing what was read gives the same report");
    }

    /// <summary>
    /// Where Mermaid renders (the step summary, a PR comment) a report read back draws the same pictures: the golden
    /// step-summary.md is render(read(write(report))) with Mermaid, and TraceCommandTests holds the GitHub host's live
    /// step summary to its diagrams, so the fork flow's publish job draws what the live run drew.
    /// </summary>
    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void GoldenReport_ReadBack_DrawsTheSameMermaidPicturesWhereMermaidRenders(string name)
    {
        string written = File.ReadAllText(CaseFile(name, "report.json")).Replace("\"{version}\"", $"\"{TraceGate.Cli.ToolVersion.Version}\"", StringComparison.Ordinal);
        var report = JsonReportReader.Read(written);
        Golden.Match(MarkdownReport.Render(report, 1_000_000, mermaid: true), $"Cli/Cases/{name}/step-summary.md");
    }

    [Fact]
    public void Quantiles_WithFallingPercentiles_AreRefusedNamingThePoint()
    {
        // The schema cannot say "rising"; the reader does: a chart's x-axis is p10 < p25 < … as the writer writes it.
        var report = JsonNode.Parse(File.ReadAllText(CaseFile("slow", "report.json")))!.AsObject();
        WithQuantiles(report)["quantiles"]![0]!["points"]![1]!["p"] = 10;
        var read = () => JsonReportReader.Read(report.ToJsonString());
        read.Should().Throw<JsonReportException>().Which.Path.Should().Be(CheckPath(report, WithQuantiles(report)) + ".quantiles[0].points[1].p");
    }

    /// <summary>tracegate prove --repeat 2's count through the contract: written in proof, valid, read back, and the
    /// Markdown proof section says how the sides ran, live and read back alike.</summary>
    [Fact]
    public void ProofRepeat_IsWrittenValidatedAndReadBack_AndTheProofSectionSaysHowTheSidesRan()
    {
        var side = new RuleSide(true, 30, 0, []);
        var proof = new ProofSummary(new ProofSide("abcd1234", 1, 60, ReproOutcome.Failed), new ProofSide("ef567890", 0, 60, ReproOutcome.Passed))
        {
            Repeat = 2,
            Rules = [new RuleProof("fee-before-debit", Outcome.Pass, side with { Held = false, FailedSpans = 30 }, side)],
        };
        var check = new Core.Model.Check("proof.fee-before-debit", Outcome.Pass, "fails before the fix, passes after it");
        var report = new Report(Conclusion.Success, [check], new Dictionary<string, EvidenceValue>(), [], []) { Proof = proof };

        string json = JsonReport.Render(report);
        var results = Evaluate(json);
        results.IsValid.Should().BeTrue(Errors(results));
        JsonNode.Parse(json)!["proof"]!["repeat"]!.GetValue<int>().Should().Be(2);
        var read = JsonReportReader.Read(json);
        read.Proof!.Repeat.Should().Be(2);
        const string line = "Base and head interleaved in this job (`tracegate prove --repeat 2`: base, head, base, head …), 2 runs each; each side's traces are pooled.\n";
        MarkdownReport.Render(read).Should().Contain("### Proof: the traces before and after the fix\n\n" + line).And.Be(MarkdownReport.Render(report));
        JsonReport.Render(read).Should().Be(json);
        MarkdownReport.Render(report with { Proof = proof with { Repeat = null } }).Should().NotContain("Base and head", "a proof from globs says nothing of how it ran");
    }

    [Fact]
    public void Schema_IdPatterns_AreThePolicyLoaders()
    {
        var defs = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(Repo.Root, "schema", "report.schema.json")))!["$defs"]!;
        defs["checkId"]!["pattern"]!.GetValue<string>().Should().Be(PolicyIds.CheckIdPattern);
        defs["fieldName"]!["pattern"]!.GetValue<string>().Should().Be(PolicyIds.FieldNamePattern);
        PolicyIds.CheckIdPattern.Should().Contain(PolicyIds.RuleIdPattern.Trim('^', '$'), "traces.RULE takes a rule id");
    }

    /// <summary>Ways a report can break the contract (a fork writes whatever it likes), each with the member the
    /// reader must name. The case to mutate, and how.</summary>
    public static readonly Dictionary<string, (string Case, Action<JsonObject> Break, Func<JsonObject, string> Path)> Mutations = new()
    {
        ["workflow command in a check id"] = ("payments", r => Check(r, 0)["id"] = "traces.x\n::set-output name=conclusion::success", r => "$.checks[0].id"),
        ["check id outside the policy's rules"] = ("payments", r => Check(r, 0)["id"] = "traces.Not An Id", r => "$.checks[0].id"),
        ["check id with a trailing newline"] = ("payments", r => Check(r, 0)["id"] = "traces.ok\n", r => "$.checks[0].id"),
        ["azure command as a check id"] = ("payments", r => Check(r, 1)["id"] = "##vso[task.complete result=Succeeded;]", r => "$.checks[1].id"),
        ["unknown outcome"] = ("payments", r => Check(r, 0)["outcome"] = "maybe", r => "$.checks[0].outcome"),
        ["unknown member in a check (a proof member the reader does not know yet)"] = ("payments", r => Check(r, 0)["proof"] = "x", r => "$.checks[0]"),
        ["unknown member at the root"] = ("payments", r => r["verdict"] = "x", r => "$"),
        ["a check without its message"] = ("payments", r => Check(r, 0).Remove("message"), r => "$.checks[0].message"),
        ["location path with .."] = ("payments", r => Located(r)["location"]!["path"] = "../../etc/passwd", r => CheckPath(r, Located(r)) + ".location.path"),
        ["absolute location path"] = ("payments", r => Located(r)["location"]!["path"] = "/etc/passwd", r => CheckPath(r, Located(r)) + ".location.path"),
        ["location path with a newline"] = ("payments", r => Located(r)["location"]!["path"] = "a\n::add-mask::x", r => CheckPath(r, Located(r)) + ".location.path"),
        ["location line 0"] = ("payments", r => Located(r)["location"]!["line"] = 0, r => CheckPath(r, Located(r)) + ".location.line"),
        ["stat not in the known list"] = ("slow", r => WithStats(r)["stats"]![0]!["stat"] = "p42\n::set-output name=x::y", r => CheckPath(r, WithStats(r)) + ".stats[0].stat"),
        ["stat unit unknown"] = ("slow", r => WithStats(r)["stats"]![0]!["unit"] = "ms", r => CheckPath(r, WithStats(r)) + ".stats[0].unit"),
        ["offender trace id not hex"] = ("slow", r => WithOffenders(r)["offenders"]![0]!["traceId"] = "::add-mask::0123456789abcdef0123", r => CheckPath(r, WithOffenders(r)) + ".offenders[0].traceId"),
        ["offender span id uppercase"] = ("slow", r => WithOffenders(r)["offenders"]![0]!["spanId"] = "00F067AA0BA902B7", r => CheckPath(r, WithOffenders(r)) + ".offenders[0].spanId"),
        ["evidence field name with a command"] = ("payments", r => Rename((JsonObject)r["evidence"]!, "incident", "##vso[task.setvariable variable=x]y"), r => "$.evidence." + Untrusted.Line("##vso[task.setvariable variable=x]y", 60)),
        ["evidence trace id of 31 digits"] = ("payments", r => r["evidence"]!["trace"]!["traceId"] = "3f6b2a9c1e4d4b7f8a2c5e6d7f8091a", r => "$.evidence.trace.traceId"),
        ["evidence url not http"] = ("payments", r => r["evidence"]!["incident"]!["url"] = "javascript:alert(1)", r => "$.evidence.incident.url"),
        ["evidence source unknown"] = ("payments", r => r["evidence"]!["incident"]!["source"] = "ticket", r => "$.evidence.incident.source"),
        ["label source without its label"] = ("payments", r => r["evidence"]!["incident"]!["source"] = "label", r => "$.evidence.incident.label"),
        ["policy field name with a newline"] = ("payments", r => r["policy"]!["fields"]![0] = "incident\n::x::", r => "$.policy.fields[0]"),
        ["link template that is not http"] = ("payments", r => r["policy"]!["links"]!["incident"] = "javascript:alert('{value}')", r => "$.policy.links.incident"),
        ["link template without {value}"] = ("payments", r => r["policy"]!["links"]!["incident"] = "https://evil.example/", r => "$.policy.links.incident"),
        ["conclusion unknown"] = ("payments", r => r["conclusion"] = "passed", r => "$.conclusion"),
        ["checklist line negative"] = ("untouched", r => r["checklist"]!["items"]![0]!["line"] = -1, r => "$.checklist.items[0].line"),
        ["quantile stat not a duration statistic"] = ("slow", r => WithQuantiles(r)["quantiles"]![0]!["stat"] = "count", r => CheckPath(r, WithQuantiles(r)) + ".quantiles[0].stat"),
        ["quantile unit unknown"] = ("slow", r => WithQuantiles(r)["quantiles"]![0]!["unit"] = "ms", r => CheckPath(r, WithQuantiles(r)) + ".quantiles[0].unit"),
        ["quantile side without spans"] = ("slow", r => WithQuantiles(r)["quantiles"]![0]!["headSpans"] = 0, r => CheckPath(r, WithQuantiles(r)) + ".quantiles[0].headSpans"),
        ["quantile duration negative"] = ("slow", r => WithQuantiles(r)["quantiles"]![0]!["points"]![0]!["baseline"] = -1, r => CheckPath(r, WithQuantiles(r)) + ".quantiles[0].points[0].baseline"),
        ["quantile duration a string (a Mermaid line)"] = ("slow", r => WithQuantiles(r)["quantiles"]![0]!["points"]![0]!["head"] = "1]\n```\n<img src=x>", r => CheckPath(r, WithQuantiles(r)) + ".quantiles[0].points[0].head"),
        ["quantile percentile over 100"] = ("slow", r => WithQuantiles(r)["quantiles"]![0]!["points"]![6]!["p"] = 101, r => CheckPath(r, WithQuantiles(r)) + ".quantiles[0].points[6].p"),
        ["quantile points unbounded"] = ("slow", r => WithQuantiles(r)["quantiles"]![0]!["points"] = new JsonArray(Enumerable.Range(1, 21).Select(p => (JsonNode)new JsonObject { ["p"] = p, ["baseline"] = 1, ["head"] = 2 }).ToArray()), r => CheckPath(r, WithQuantiles(r)) + ".quantiles[0].points"),
        ["quantile without points"] = ("slow", r => WithQuantiles(r)["quantiles"]![0]!["points"] = new JsonArray(), r => CheckPath(r, WithQuantiles(r)) + ".quantiles[0].points"),
        ["unknown member in a quantile picture"] = ("slow", r => WithQuantiles(r)["quantiles"]![0]!["title"] = "x", r => CheckPath(r, WithQuantiles(r)) + ".quantiles[0]"),
        ["proof repeat of 0 runs"] = ("payments", r => r["proof"]!["repeat"] = 0, r => "$.proof.repeat"),
        ["proof repeat over prove's 20 runs"] = ("payments", r => r["proof"]!["repeat"] = 21, r => "$.proof.repeat"),
        ["proof repeat as text"] = ("payments", r => r["proof"]!["repeat"] = "2\n::set-output name=x::y", r => "$.proof.repeat"),
        ["trailers not an array"] = ("payments", r => r["trailers"] = "INC: x", r => "$.trailers"),
    };

    public static TheoryData<string> MutationNames() => new(Mutations.Keys);

    [Theory]
    [MemberData(nameof(MutationNames))]
    public void Mutation_IsRefusedByTheSchemaAndByTheReaderNamingTheMember(string name)
    {
        var (golden, breakIt, pathOf) = Mutations[name];
        var report = JsonNode.Parse(File.ReadAllText(CaseFile(golden, "report.json")))!.AsObject();
        string path = pathOf(report);
        breakIt(report);
        string json = report.ToJsonString();

        Evaluate(json).IsValid.Should().BeFalse($"the schema refuses: {name}");
        var read = () => JsonReportReader.Read(json);
        read.Should().Throw<JsonReportException>().Which.Path.Should().Be(path);
    }

    /// <summary>
    /// The inconclusive outcome through the whole contract: written, valid against the schema, read back with the same
    /// outcome, and the run's conclusion inconclusive (neutral) when nothing failed, failure when something did.
    /// </summary>
    [Fact]
    public void InconclusiveCheck_IsWrittenValidatedAndReadBack_AndMakesTheConclusionInconclusive()
    {
        var undecided = new Core.Model.Check("traces.apply-latency", Core.Model.Outcome.Inconclusive, "only 3 span(s) in the baseline: at least 20 (min-samples) are needed to judge p95 against it") { Spans = 3 };
        var passed = new Core.Model.Check("traces.files", Core.Model.Outcome.Pass, "read 3 spans from 1 trace file(s)");
        var report = new Core.Model.Report(Core.Model.Report.ConclusionOf([undecided, passed]), [undecided, passed], new Dictionary<string, Core.Model.EvidenceValue>(), [], []);
        report.Conclusion.Should().Be(Core.Model.Conclusion.Inconclusive);

        string json = JsonReport.Render(report);
        var results = Evaluate(json);
        results.IsValid.Should().BeTrue(Errors(results));
        JsonNode.Parse(json)!["conclusion"]!.GetValue<string>().Should().Be("inconclusive");
        var read = JsonReportReader.Read(json);
        read.Conclusion.Should().Be(Core.Model.Conclusion.Inconclusive);
        read.Checks[0].Outcome.Should().Be(Core.Model.Outcome.Inconclusive);
        MarkdownReport.Render(read).Should().StartWith("## ❔ TraceGate: inconclusive (1 check could not be judged, none failed)")
            .And.Contain("### Inconclusive").And.Contain("| ❔ | `traces.apply-latency` |");
        ConsoleReport.Render(read, color: false).Should().StartWith("TraceGate INCONCLUSIVE: 2 checks, 0 failed, 0 warnings, 1 inconclusive\n")
            .And.Contain("  inconclusive  traces.apply-latency");

        var failed = passed with { Outcome = Core.Model.Outcome.Fail };
        Core.Model.Report.ConclusionOf([undecided, failed]).Should().Be(Core.Model.Conclusion.Failure, "a failure outranks an inconclusive check");
    }

    private static JsonObject Check(JsonObject report, int index) => report["checks"]![index]!.AsObject();

    private static JsonObject Located(JsonObject report) => report["checks"]!.AsArray().First(c => c!["location"] is not null)!.AsObject();

    private static JsonObject WithStats(JsonObject report) => report["checks"]!.AsArray().First(c => c!["stats"] is not null)!.AsObject();

    private static JsonObject WithQuantiles(JsonObject report) => report["checks"]!.AsArray().First(c => c!["quantiles"] is not null)!.AsObject();

    private static JsonObject WithOffenders(JsonObject report) => report["checks"]!.AsArray().First(c => c!["offenders"] is not null)!.AsObject();

    private static string CheckPath(JsonObject report, JsonObject check) => $"$.checks[{report["checks"]!.AsArray().IndexOf(check)}]";

    private static void Rename(JsonObject o, string from, string to)
    {
        var value = o[from];
        o.Remove(from);
        o[to] = value;
    }
}
