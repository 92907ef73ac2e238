using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

public sealed class TraceCommandTests : IDisposable
{
    private readonly TempDir _ws = new();

    public TraceCommandTests()
    {
        _ws.Write(".tracegate.yml", "traces:\n  files: ['traces/*.pb']\n  rules:\n    - id: apply-present\n      select: span[name=\"apply\"]\n");
        Directory.CreateDirectory(_ws.File("traces"));
    }

    public void Dispose() => _ws.Dispose();

    private void Copy(string fixture, string to) =>
        File.Copy(Repo.Fixture($"Traces/Fixtures/payments/{fixture}"), _ws.File(to), overwrite: true);

    /// <summary>The example's policy with a run whose apply spans are slower than its baseline's.</summary>
    private void LaySlowRunOverTheBaseline()
    {
        File.Copy(Path.Combine(Repo.Example, ".tracegate.yml"), _ws.File(".tracegate.yml"), overwrite: true);
        Directory.CreateDirectory(_ws.File("artifacts/traces"));
        Directory.CreateDirectory(_ws.File("artifacts/baseline"));
        Copy("slow.pb", "artifacts/traces/run.pb");
        Copy("baseline.pb", "artifacts/baseline/run.pb");
    }

    [Fact]
    public void Check_TracesOnly_RunsTraceGatesAndSaysEvidenceWasSkipped()
    {
        Copy("good.pb", "traces/run.pb");
        var r = CliHarness.Run(_ws.Path, "check");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("pass  traces.apply-present").And.Contain("skip  evidence").And.Contain("evidence was not checked");
    }

    [Fact]
    public void Check_NoTraceFileMatched_FailsNamingTheGlob()
    {
        var r = CliHarness.Run(_ws.Path, "check");
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  traces.files").And.Contain("no trace files matched 'traces/*.pb'");
    }

    [Fact]
    public void Check_TracesOptionReplacesThePolicyGlob()
    {
        Copy("good.jsonl", "other.jsonl");
        var r = CliHarness.Run(_ws.Path, "check", "--traces", "*.jsonl");
        r.ExitCode.Should().Be(0, r.Out);
        r.Out.Should().Contain("read 90 spans from 1 trace file(s)");
    }

    [Fact]
    public void Check_CorruptTraceFile_ExitsTwoNamingFileAndOffset()
    {
        File.WriteAllBytes(_ws.File("traces/bad.pb"), [0x0a, 0x05, 0x12, 0x64, 0x00]);
        var r = CliHarness.Run(_ws.Path, "check");
        r.ExitCode.Should().Be(2);
        r.Error.Should().StartWith("tracegate: error: traces/bad.pb: byte offset").And.NotContain("   at ");
    }

    [Fact]
    public void Check_EmptyTraceFile_FailsAsHoldingNoSpans()
    {
        File.WriteAllBytes(_ws.File("traces/empty.pb"), []);
        var r = CliHarness.Run(_ws.Path, "check");
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("the trace files hold no spans");
    }

    [Fact]
    public void Check_BaselineGlobMatchesNothing_FailsNamingIt()
    {
        Copy("good.pb", "traces/run.pb");
        var r = CliHarness.Run(_ws.Path, "check", "--baseline", "base/*.pb");
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  traces.baseline").And.Contain("'base/*.pb'");
    }

    [Fact]
    public void Check_SlowRunAgainstBaseline_ReportsBeforeAndAfterInMarkdownAndJson()
    {
        LaySlowRunOverTheBaseline();
        var r = CliHarness.Run(_ws.Path, "check", "--summary-md", "s.md", "--report-json", "r.json");
        r.ExitCode.Should().Be(1);
        Golden.Match(File.ReadAllText(_ws.File("s.md")), "Cli/Cases/slow/summary.md");
        Golden.Match(File.ReadAllText(_ws.File("r.json")), "Cli/Cases/slow/report.json");
        Golden.Match(r.Out, "Cli/Cases/slow/console.txt");
    }

    /// <summary>
    /// The GitHub host's step summary is where Mermaid renders: the failing p95 budget is drawn as an xychart of both
    /// sides' quantiles, the same diagram the publish job draws from the report read back (step-summary.md, see
    /// ReportContractTests), while the check run's text (--summary-md: summary.md, above) keeps the sparkline.
    /// </summary>
    [Fact]
    public void Check_SlowRunAsGitHubAction_StepSummaryDrawsTheQuantileChartTheReportReadBackDraws()
    {
        LaySlowRunOverTheBaseline();
        using var runner = new TempDir();
        var env = ActionEnvironment.GitHubPush(_ws.Path, runner);

        var r = CliHarness.Run(_ws.Path, env, "check");

        r.ExitCode.Should().Be(1, r.Out + r.Error);
        File.Exists(runner.File("summary.md")).Should().BeTrue(r.Out + r.Error);
        string live = File.ReadAllText(runner.File("summary.md"));
        string readBack = File.ReadAllText(Path.Combine(Repo.Root, "tests", "TraceGate.Tests", "Cli", "Cases", "slow", "step-summary.md"));
        var chart = XyCharts(live).Should().ContainSingle("one budget failed: p95").Which;
        chart.Should().StartWith("```mermaid\nxychart-beta\n    title \"traces.apply-latency p95 - bars baseline n 30, line this run n 30\"\n")
            .And.Contain("    x-axis \"quantile\" [p10, p25, p50, p75, p90, p95, p99]\n")
            .And.Contain("    y-axis \"duration (ms)\" 0 --> 60\n");
        XyCharts(readBack).Should().Equal(XyCharts(live), "the publish job draws what the live run drew");
        File.ReadAllText(Path.Combine(Repo.Root, "tests", "TraceGate.Tests", "Cli", "Cases", "slow", "summary.md")).Should().NotContain("```mermaid").And.Contain("p95\\: quantiles p10 p25 p50 p75 p90 p95 p99 on one scale", "the check run's text cannot draw: a sparkline");
    }

    private static List<string> XyCharts(string markdown) =>
        System.Text.RegularExpressions.Regex.Matches(markdown, "```mermaid\nxychart-beta\n.*?```\n", System.Text.RegularExpressions.RegexOptions.Singleline).Select(m => m.Value).ToList();
}
