using FluentAssertions;
using TraceGate.Cli;
using TraceGate.Cli.Hosts;
using TraceGate.Cli.Settings;
using TraceGate.Core.Model;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>The one runner every platform goes through: verdict written before publishing, one exit-code mapping,
/// and an explicit choice of platform.</summary>
public sealed class PlatformRunnerTests
{
    private static readonly Report Passed = new(Conclusion.Success, [new Check("evidence", Outcome.Pass, "ok")], new Dictionary<string, EvidenceValue>(), [], []);
    private static readonly Report Failed = Passed with { Conclusion = Conclusion.Failure };

    [Theory]
    [InlineData("GITHUB_ACTIONS", "true", 0, PlatformKind.GitHubActions)]
    [InlineData("GITHUB_ACTIONS", "true", 1, PlatformKind.Local)]
    [InlineData("GITHUB_ACTIONS", "false", 0, PlatformKind.Local)]
    [InlineData("TF_BUILD", "True", 0, PlatformKind.AzurePipelines)]
    [InlineData("TF_BUILD", "true", 0, PlatformKind.AzurePipelines)]
    [InlineData("TF_BUILD", "True", 2, PlatformKind.Local)]
    [InlineData("CI", "true", 0, PlatformKind.Local)]
    public void Detect_ChoosesThePlatformByItsVariableOnlyWhenNoOptionWasTyped(string variable, string value, int typed, PlatformKind expected)
    {
        Platforms.Detect(new Dictionary<string, string?> { [variable] = value }, typed).Should().Be(expected);
    }

    [Fact]
    public void Detect_OnAGitHubRunnerThatIsAlsoMarkedAzure_ChoosesGitHub()
    {
        Platforms.Detect(new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["TF_BUILD"] = "True" }, 0).Should().Be(PlatformKind.GitHubActions);
    }

    [Fact]
    public void Create_GivesOneTypePerPlatform()
    {
        Platforms.Create(PlatformKind.Local, new TraceGateSettings()).Should().BeOfType<LocalPlatform>();
        Platforms.Create(PlatformKind.GitHubActions, new TraceGateSettings()).Should().BeOfType<GitHubActionsHost>();
        Platforms.Create(PlatformKind.AzurePipelines, new TraceGateSettings()).Should().BeOfType<AzurePipelinesHost>();
    }

    [Theory]
    [InlineData(true, true, true, ExitCodes.Success)]
    [InlineData(false, true, true, ExitCodes.GateFailed)]
    [InlineData(false, true, false, ExitCodes.Success)]
    [InlineData(true, false, true, ExitCodes.PublishFailed)]
    [InlineData(false, false, true, ExitCodes.PublishFailed)]
    [InlineData(false, false, false, ExitCodes.PublishFailed)]
    public void ExitCode_MapsVerdictAndPublishing(bool passed, bool published, bool failOnFailure, int expected)
    {
        PlatformRunner.ExitCode(passed ? Passed : Failed, published, failOnFailure).Should().Be(expected);
    }

    [Fact]
    public void Run_WhenPublishingFails_HasWrittenTheVerdictFirstAndExitsThree()
    {
        var platform = new SpyPlatform(Failed, published: false);

        int exit = PlatformRunner.Run(platform, Context());

        exit.Should().Be(ExitCodes.PublishFailed);
        platform.Calls.Should().Equal("read", "write-local failure", "publish", "complete 3", "dispose");
    }

    [Fact]
    public void Run_WritesWhatThePlatformAsksForBeforeItPublishes()
    {
        using var ws = new TempDir();
        var platform = new SpyPlatform(Failed, published: false) { ReportPath = ws.File("out/report.json") };
        var ctx = Context(ws.Path);

        PlatformRunner.Run(platform, ctx).Should().Be(ExitCodes.PublishFailed);

        platform.ReportWrittenBeforePublish.Should().BeTrue("the runner writes the verdict before the platform publishes");
        File.ReadAllText(ws.File("out/report.json")).Should().Contain("\"conclusion\": \"failure\"");
        ctx.Out.ToString().Should().StartWith("TraceGate FAILED", "the console report is the runner's, for every platform");
    }

    [Fact]
    public void Run_WhenTheGateFailsWithFailOnNever_PublishesAndExitsZero()
    {
        var platform = new SpyPlatform(Failed, published: true) { FailOnFailure = false };

        PlatformRunner.Run(platform, Context()).Should().Be(ExitCodes.Success);
        platform.Calls.Should().Equal("read", "write-local failure", "publish", "complete 0", "dispose");
    }

    [Fact]
    public void Run_WhenReadingTheContextFails_WritesAndPublishesNothingAndStillDisposes()
    {
        var platform = new SpyPlatform(Passed, published: true) { ReadFails = true };

        var run = () => PlatformRunner.Run(platform, Context());

        run.Should().Throw<UserInputException>();
        platform.Calls.Should().Equal("read", "dispose");
    }

    [Fact]
    public void Run_LocalPlatform_GatesWithTheSettingsAndWritesTheReportsBeforeReturning()
    {
        using var ws = new TempDir();
        ws.Write("pr.md", "Incident: INC-2471\nPrimary trace: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\nInvariant: never negative\nRepro: tests/t.py::test_x\n");
        ws.Write("tests/t.py", "def test_x(): pass\n");
        var ctx = Context(ws.Path);

        int exit = PlatformRunner.Run(new LocalPlatform(new TraceGateSettings { PrBody = "pr.md", ReportJson = "out/r.json", SummaryMd = "out/s.md" }), ctx);

        exit.Should().Be(ExitCodes.GateFailed, "the rollback plan is missing");
        File.ReadAllText(ws.File("out/r.json")).Should().Contain("\"conclusion\": \"failure\"").And.Contain("evidence.rollback");
        File.ReadAllText(ws.File("out/s.md")).Should().Contain("evidence.rollback");
        ctx.Out.ToString().Should().StartWith("TraceGate FAILED");
    }

    private static RunContext Context(string? cwd = null) =>
        new(new StringWriter(), new StringWriter(), new Dictionary<string, string?>(), cwd ?? Path.GetTempPath(), OutputIsTerminal: false);

    /// <summary>Records the runner's calls; answers with a fixed verdict.</summary>
    private sealed class SpyPlatform(Report verdict, bool published) : IPlatform
    {
        public List<string> Calls { get; } = [];

        public bool FailOnFailure { get; init; } = true;

        public bool ReadFails { get; init; }

        public PlatformInput Read(RunContext ctx)
        {
            Calls.Add("read");
            return ReadFails ? throw new UserInputException("no context") : new PlatformInput(ctx, new TraceGateSettings()) { Verdict = verdict };
        }

        /// <summary>Where the spy asks the runner to write the JSON report; null for none.</summary>
        public string? ReportPath { get; init; }

        /// <summary>Whether the report was on disk when the runner asked the spy to publish.</summary>
        public bool ReportWrittenBeforePublish { get; private set; }

        public LocalOutputs Outputs(RunContext ctx, Report report)
        {
            Calls.Add("write-local " + report.Conclusion.ToString().ToLowerInvariant());
            return new LocalOutputs { Report = ReportPath is null ? null : new OutputFile(ReportPath) };
        }

        public bool Publish(RunContext ctx, Report report)
        {
            Calls.Add("publish");
            ReportWrittenBeforePublish = ReportPath is not null && File.Exists(ReportPath);
            return published;
        }

        public void Complete(RunContext ctx, Report report, int exitCode) => Calls.Add($"complete {exitCode}");

        public void Dispose() => Calls.Add("dispose");
    }
}
