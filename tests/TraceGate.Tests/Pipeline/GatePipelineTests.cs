using FluentAssertions;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Pipeline;
using TraceGate.Core.Policy;
using TraceGate.Core.Rendering;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Pipeline;

/// <summary>The whole gate (evidence, test reports, traces, proof, scope) run on in-memory inputs, with no host,
/// no environment and no file system: the pipeline in Core is the one composition every host feeds.</summary>
public sealed class GatePipelineTests
{
    private const string PolicyName = "examples/payments/.tracegate.yml";

    private static (MemoryCheckout Checkout, GateRequest Request) Payments()
    {
        var checkout = MemoryCheckout.Of(Repo.Example);
        var policy = PolicyLoader.Load(PolicyName, checkout.Text(".tracegate.yml")).Policy!;
        var request = new GateRequest
        {
            Policy = policy,
            Workspace = checkout,
            Files = checkout,
            PrBody = checkout.Text("pr-body.md"),
            CommitMessages = checkout.Text("commits.nul").Split('\0').Where(m => m.Trim().Length > 0).ToList(),
            TestResults = new InputGlobs(policy.Tests.Results, FromCi: false),
            Traces = new InputGlobs(policy.Traces.Files, FromCi: false),
            Baseline = new InputGlobs(policy.Traces.Baseline, FromCi: false),
        };
        return (checkout, request);
    }

    [Fact]
    public void Run_PaymentsExampleInMemory_GivesTheReportsTheCliGives()
    {
        var (_, request) = Payments();

        var report = GatePipeline.Run(request) with { Tool = TraceGate.Cli.ToolVersion.Info };

        // The same golden files ExampleTests holds the CLI to: the host adds nothing to the verdict.
        report.Conclusion.Should().Be(Conclusion.Success);
        Golden.Match(JsonReport.Render(report), "Cli/Cases/payments/report.json");
        Golden.Match(MarkdownReport.Render(report), "Cli/Cases/payments/summary.md");
        Golden.Match(ConsoleReport.Render(report, color: false), "Cli/Cases/payments/console.txt");
    }

    [Fact]
    public void Run_WhenTheBuggyRunsTracesAreGiven_FailsTheTraceRuleThatCatchesTheBug()
    {
        var (checkout, request) = Payments();
        checkout.Add("buggy/transfer.pb", File.ReadAllBytes(Path.Combine(Repo.Root, "tests/TraceGate.Tests/Traces/Fixtures/payments/buggy.pb")));

        var report = GatePipeline.Run(request with { Traces = new InputGlobs(["buggy/*.pb"], FromCi: true) });

        report.Conclusion.Should().Be(Conclusion.Failure);
        report.Checks.Should().Contain(c => c.Id == "traces.files" && c.Outcome == Outcome.Pass && c.Message.StartsWith("read ", StringComparison.Ordinal));
        report.Checks.Where(c => c.Outcome == Outcome.Fail).Select(c => c.Id).Should().Contain(id => id.StartsWith("traces.", StringComparison.Ordinal));
        report.Checks.Where(c => c.Id.StartsWith("evidence.", StringComparison.Ordinal)).Should().OnlyContain(c => c.Outcome != Outcome.Fail);
    }

    [Fact]
    public void Run_WhenTheReproPassesOnTheBaselineToo_FailsProofRepro()
    {
        var (_, request) = Payments();

        // The head's report as the baseline: the repro passed before the fix, so it reproduces nothing.
        var report = GatePipeline.Run(request with { BaselineTestResults = new InputGlobs(["artifacts/test-results/junit.xml"], FromCi: false) });

        var proof = report.Checks.Single(c => c.Id == ProofGate.CheckId);
        proof.Outcome.Should().Be(Outcome.Fail);
        report.Conclusion.Should().Be(Conclusion.Failure);
        report.Proof.Should().NotBeNull();
    }

    [Fact]
    public void Run_WhenThePolicyPutsThePrOutOfScope_SkipsEvidenceAndProofSayingWhy()
    {
        var (_, request) = Payments();
        var feature = request with
        {
            PrBody = "Adds a CSV export.\n",
            CommitMessages = ["feat: CSV export\n"],
            Facts = new PullRequestFacts { Labels = ["feature"], Title = "feat: CSV export", Branch = "feat/csv", Author = ["octocat"], ChangedFiles = new ChangedFiles([new ChangedFile("src/export.mjs")]) },
            BaselineTestResults = new InputGlobs(["artifacts/test-results/junit.xml"], FromCi: false),
        };

        var report = GatePipeline.Run(feature);

        report.Checks.Single(c => c.Id == ScopeGate.CheckId).Outcome.Should().Be(Outcome.Skip);
        var proof = report.Checks.Single(c => c.Id == ProofGate.CheckId);
        proof.Outcome.Should().Be(Outcome.Skip);
        proof.Message.Should().StartWith("not judged: ");
        report.Checks.Should().NotContain(c => c.Id == "evidence.incident");
        report.Conclusion.Should().Be(Conclusion.Success);
    }

    [Fact]
    public void Run_WhenNoEvidenceAndNoTracesAreGiven_ThrowsSayingWhatToPass()
    {
        var checkout = new MemoryCheckout();
        var request = new GateRequest { Policy = PolicyDefaults.Create(), Workspace = checkout, Files = checkout };

        var run = () => GatePipeline.Run(request);

        run.Should().Throw<GateInputException>().WithMessage("no evidence to check: pass --pr-body FILE*");
    }

    [Fact]
    public void Run_WhenATraceFileIsNotOtlp_ThrowsNamingTheFile()
    {
        var (checkout, request) = Payments();
        checkout.Add("broken/run.pb", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);

        var run = () => GatePipeline.Run(request with { Traces = new InputGlobs(["broken/run.pb"], FromCi: true) });

        run.Should().Throw<GateInputException>().Which.Message.Should().StartWith("broken/run.pb");
    }

    [Fact]
    public void Run_WhenPolicyTraceGlobsMatchNothing_FailsTracesFilesNamingTheGlobAndTheWorkspace()
    {
        var (_, request) = Payments();

        var fromPolicy = GatePipeline.Run(request with { Traces = new InputGlobs(["missing/**/*.pb"], FromCi: false) });
        var fromCi = GatePipeline.Run(request with { Traces = new InputGlobs(["missing/**/*.pb"], FromCi: true) });

        fromPolicy.Checks.Single(c => c.Id == "traces.files").Message.Should().Be("no trace files matched 'missing/**/*.pb' in the workspace");
        fromCi.Checks.Single(c => c.Id == "traces.files").Message.Should().Be("no trace files matched 'missing/**/*.pb'");
        fromPolicy.Conclusion.Should().Be(Conclusion.Failure);
    }

    [Fact]
    public void Run_WhenATestReportIsNotOne_ThrowsNamingTheFile()
    {
        var (checkout, request) = Payments();
        checkout.Add("artifacts/test-results/broken.xml", "<testsuites><testsuite name=\"x\">");

        var run = () => GatePipeline.Run(request);

        run.Should().Throw<GateInputException>().Which.Message.Should().Contain("artifacts/test-results/broken.xml");
    }
}
