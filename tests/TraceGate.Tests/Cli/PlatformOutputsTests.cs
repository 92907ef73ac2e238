using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>
/// What each platform writes where its users read it without the API, byte for byte: the console and the platform's
/// commands on stdout, the JSON report, the Markdown summary, the step's outputs and the artifact. Runs that need no
/// API (the command line, GitHub without a token and in mode evaluate, Azure on a build that is not for a pull
/// request) so the goldens hold the local outputs alone; the API tests hold publishing. The temporary folders read
/// as &lt;ws&gt; and &lt;runner&gt;, and GitHub's random output delimiters as ghadelimiter_&lt;id&gt;.
/// </summary>
public sealed partial class PlatformOutputsTests : IDisposable
{
    private const string PrBody = "Incident: INC-2471\nPrimary trace: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\nInvariant: never negative\nRepro: tests/t.py::test_x\n";
    private readonly TempDir _ws = new();
    private readonly TempDir _runner = new();

    public PlatformOutputsTests()
    {
        _ws.Write("tests/t.py", "def test_x(): pass\n");
        _ws.Write("pr.md", PrBody);
        // A rule that passes, and one with a line, a budget and too few spans for it: an inconclusive check with a place.
        _ws.Write(".tracegate.yml", "traces:\n  files: ['traces/*.pb']\n  rules:\n    - id: apply-present\n      select: span[name=\"apply\"]\n"
            + "    - id: apply-fast\n      select: span[name=\"apply\"]\n      min-samples: 50\n      duration: { p95: '<= 1ms' }\n");
        File.Copy(Repo.Fixture("Traces/Fixtures/payments/good.pb"), _ws.File("traces/run.pb").Also(p => Directory.CreateDirectory(Path.GetDirectoryName(p)!)));
    }

    public void Dispose()
    {
        _ws.Dispose();
        _runner.Dispose();
    }

    [Fact]
    public void Local_WritesTheReportsWhereTheOptionsSayAndTheConsoleReport()
    {
        var r = CliHarness.Run(_ws.Path, new Dictionary<string, string?>(), "check", "--pr-body", "pr.md", "--report-json", "out/r.json", "--summary-md", "out/s.md");

        r.ExitCode.Should().Be(1, "the rollback plan is missing");
        Match(r.Error, "local/stderr.txt");
        Match(r.Out, "local/stdout.txt");
        Match(File.ReadAllText(_ws.File("out/r.json")), "local/report.json");
        Match(File.ReadAllText(_ws.File("out/s.md")), "local/summary.md");
    }

    [Fact]
    public void GitHub_WithoutAToken_WritesReportStepSummaryOutputsAnnotationsAndWarns()
    {
        MatchGitHub(CliHarness.Run(_ws.Path, GitHub("run"), "check"), "github-run", ".tracegate");
    }

    [Fact]
    public void GitHub_InModeEvaluate_WritesTheArtifactAndSaysSo()
    {
        MatchGitHub(CliHarness.Run(_ws.Path, GitHub("evaluate"), "check"), "github-evaluate", "tracegate-artifact");

        Match(File.ReadAllText(_ws.File("tracegate-artifact/event.json")), "github-evaluate/event.json");
        File.Exists(_ws.File(".tracegate/report.json")).Should().BeFalse("mode evaluate writes the report into the artifact folder only");
    }

    [Fact]
    public void Azure_OnABuildThatIsNotForAPullRequest_WritesReportSummaryAndLoggingCommands()
    {
        var env = new Dictionary<string, string?>
        {
            ["TF_BUILD"] = "True",
            ["BUILD_REASON"] = "IndividualCI",
            ["BUILD_SOURCESDIRECTORY"] = _ws.Path,
            ["AGENT_TEMPDIRECTORY"] = _runner.Path,
            ["INPUT_CHECK-NAME"] = "TraceGate",
        };

        var r = CliHarness.Run(_ws.Path, env, "check");

        r.ExitCode.Should().Be(0, "without a pull request only the trace gates run, and inconclusive alone is exit 0");
        Match(r.Error, "azure-ci/stderr.txt");
        Match(r.Out, "azure-ci/stdout.txt");
        Match(File.ReadAllText(_runner.File("tracegate/report.json")), "azure-ci/report.json");
        Match(File.ReadAllText(_runner.File("tracegate/summary.md")), "azure-ci/summary.md");
    }

    /// <summary>A GitHub run's exit code, stdout and stderr, its report in <paramref name="reportFolder"/>, the step
    /// summary and $GITHUB_OUTPUT against the case's goldens.</summary>
    private void MatchGitHub(CliResult r, string name, string reportFolder)
    {
        r.ExitCode.Should().Be(1, "the rollback plan is missing");
        Match(r.Error, name + "/stderr.txt");
        Match(r.Out, name + "/stdout.txt");
        Match(File.ReadAllText(_ws.File(reportFolder + "/report.json")), name + "/report.json");
        Match(File.ReadAllText(_runner.File("summary.md")), name + "/step-summary.md");
        Match(File.ReadAllText(_runner.File("output.txt")), name + "/github-output.txt");
    }

    private Dictionary<string, string?> GitHub(string mode)
    {
        var payload = Webhooks.Example("pull_request", "opened");
        payload["pull_request"]!["body"] = PrBody;
        return new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = _runner.Write("event.json", payload.ToJsonString()),
            ["GITHUB_REPOSITORY"] = "acme/payments",
            ["GITHUB_WORKSPACE"] = _ws.Path,
            ["GITHUB_SERVER_URL"] = "https://github.test",
            ["GITHUB_RUN_ID"] = "4242",
            ["GITHUB_SHA"] = "ffffffffffffffffffffffffffffffffffffffff",
            ["GITHUB_STEP_SUMMARY"] = _runner.File("summary.md"),
            ["GITHUB_OUTPUT"] = _runner.File("output.txt"),
            ["INPUT_CHECK-NAME"] = "TraceGate",
            ["INPUT_MODE"] = mode,
        };
    }

    private void Match(string actual, string golden) =>
        Golden.Match(
            Delimiter().Replace(actual.Replace(_ws.Path, "<ws>", StringComparison.Ordinal).Replace(_runner.Path, "<runner>", StringComparison.Ordinal), "ghadelimiter_<id>"),
            "Cli/PlatformOutputs/" + golden);

    [GeneratedRegex("ghadelimiter_[0-9a-f]{32}")]
    private static partial Regex Delimiter();
}
