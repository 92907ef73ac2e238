using FluentAssertions;
using TraceGate.Core.Evidence;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;
using TraceGate.Core.TestResults;

namespace TraceGate.Tests.Gates;

/// <summary>proof.repro's judgement of each side's outcome (the end-to-end runs are in Proof/).</summary>
public sealed class ProofGateTests
{
    private static readonly TestRef Repro = TestRef.Parse("tests/test_transfer_repro.py::test_fee_guard_fires", out _)!;

    private static TestCaseResult Case(TestOutcome outcome, string? message = null, string name = "test_fee_guard_fires", string className = "tests.test_transfer_repro") =>
        new("results.xml", 4, className, name, outcome) { Message = message };

    private static Check Judge(IReadOnlyList<TestCaseResult>? baseline, IReadOnlyList<TestCaseResult>? head) =>
        ProofGate.Evaluate(Repro, new ProofInputs { BaselineCases = baseline, BaselineFiles = ["base.xml"] }, head, ["head.xml"]).Check;

    [Fact]
    public void Evaluate_FailsOnBaseAndPassesOnHead_Passes()
    {
        var c = Judge([Case(TestOutcome.Failed, "AssertionError: DID NOT RAISE Overdraft")], [Case(TestOutcome.Passed)]);
        c.Outcome.Should().Be(Outcome.Pass);
        c.Message.Should().Contain("fails before the fix (AssertionError: DID NOT RAISE Overdraft");
    }

    [Fact]
    public void Evaluate_PassesOnBothSides_FailsDoesNotReproduce()
    {
        var c = Judge([Case(TestOutcome.Passed)], [Case(TestOutcome.Passed)]);
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Contain("passes before the fix too: it does not reproduce the bug");
    }

    [Theory]
    [InlineData("ImportError: cannot import name 'fee_for' from 'payments.transfer'")]
    [InlineData("ModuleNotFoundError: No module named 'payments.fees'")]
    [InlineData("NameError: name 'fee_for' is not defined")]
    [InlineData("SyntaxError: The requested module '../src/transfer.mjs' does not provide an export named 'feeFor'")]
    [InlineData("failed on setup with \"fixture 'accounts' not found\"")]
    public void Evaluate_BaseFailsBecauseTheCodeIsNotThere_FailsErroredBeforeTheFix(string message)
    {
        var c = Judge([Case(TestOutcome.Failed, message)], [Case(TestOutcome.Passed)]);
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Contain("errored before the fix: " + message.Split('\n')[0]).And.Contain("(a test that cannot run proves nothing)");
    }

    [Fact]
    public void Evaluate_TestFileThatCouldNotLoadOnTheBase_FailsErrored()
    {
        // node --test names a file that fails to load after the file's absolute path, with "test failed".
        var fileCase = Case(TestOutcome.Failed, "test failed", "/w/.tracegate/worktree/tests/test_transfer_repro.py", "test");
        var c = Judge([fileCase], [Case(TestOutcome.Passed)]);
        c.Message.Should().Contain("errored before the fix: the test file could not run: test failed");
    }

    [Fact]
    public void Evaluate_ReproAbsentFromBaseline_FailsAskingWhetherTheCommandRanIt()
    {
        var c = Judge([Case(TestOutcome.Passed, name: "test_other")], [Case(TestOutcome.Passed)]);
        c.Message.Should().Contain("is not in the baseline results: did the command run it? (1 test cases in 1 result file(s): base.xml)");
    }

    [Fact]
    public void Evaluate_SkippedOnBaseAndStillFailingOnHead_NamesBothSides()
    {
        var c = Judge([Case(TestOutcome.Skipped, "needs a database")], [Case(TestOutcome.Failed, "AssertionError: -1 < 0")]);
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Contain("was skipped before the fix").And.Contain("and it still fails after the fix: AssertionError: -1 < 0");
    }

    [Fact]
    public void Evaluate_NoReproNamed_Skips()
    {
        var (check, _) = ProofGate.Evaluate(null, new ProofInputs { BaselineCases = [] }, [], []);
        check.Outcome.Should().Be(Outcome.Skip);
    }

    [Fact]
    public void JsonReport_Proof_RoundTripsThroughTheReader()
    {
        var (check, summary) = ProofGate.Evaluate(Repro,
            new ProofInputs { BaselineCases = [Case(TestOutcome.Failed, "boom")], BaselineRun = new ProofRunInfo("abc123", 1, 34) },
            [Case(TestOutcome.Passed)], []);
        var report = new Report(Conclusion.Success, [check], new Dictionary<string, EvidenceValue>(), [], []) { Proof = summary };
        var back = JsonReportReader.Read(JsonReport.Render(report));
        back.Proof.Should().BeEquivalentTo(summary);
        back.Proof!.Baseline.Should().Be(new ProofSide("abc123", 1, 34, ReproOutcome.Failed) { Message = "boom" });
        back.Proof.Head!.Repro.Should().Be(ReproOutcome.Passed);
    }
}
