using FluentAssertions;
using TraceGate.Cli.Inputs;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.TestResults;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Gates;

public sealed class EvidenceGateTests : IDisposable
{
    private const string TraceId = "3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2";
    private readonly TempDir _ws = new();

    public EvidenceGateTests() => _ws.Write("tests/test_transfer_repro.py", "def test_fee_guard_fires(): pass\n");

    public void Dispose() => _ws.Dispose();

    private static string Body(string incident = "INC-2471", string trace = TraceId, string repro = "tests/test_transfer_repro.py::test_fee_guard_fires", string? rollback = "revert abc123") =>
        $"Incident: {incident}\nPrimary trace: {trace}\nInvariant: balance never negative\nRepro: {repro}\n" + (rollback is null ? "" : $"Rollback: {rollback}\n");

    private EvidenceResult Evaluate(string? body, IReadOnlyList<string>? commits = null, IReadOnlyList<TestCaseResult>? cases = null, EvidencePolicy? policy = null) =>
        EvidenceGate.Evaluate(policy ?? PolicyDefaults.Create().Evidence, new EvidenceInputs
        {
            PrBody = body,
            CommitMessages = commits,
            TestCases = cases,
            TestResultFiles = cases is null ? [] : ["results.xml"],
            Workspace = new FileWorkspace(_ws.Path),
        });

    private static Check Check(EvidenceResult r, string id) => r.Checks.Should().ContainSingle(c => c.Id == id).Subject;

    [Fact]
    public void Evaluate_CompleteBody_PassesEveryRequiredField()
    {
        var r = Evaluate(Body());
        r.Checks.Where(c => c.Outcome == Outcome.Fail).Should().BeEmpty();
        r.Evidence["trace"].TraceId.Should().Be(TraceId);
    }

    [Fact]
    public void Evaluate_RollbackMissing_FailsNamingTheFieldAndWhatToWrite()
    {
        var c = Check(Evaluate(Body(rollback: null)), "evidence.rollback");
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Be("Rollback is missing");
        c.Hint.Should().Contain("'Rollback: <rollback>'").And.Contain("'ROLLBACK: <rollback>' trailer");
    }

    [Fact]
    public void Evaluate_FieldOnlyInTrailers_IsSatisfiedFromTheTrailer()
    {
        var r = Evaluate(Body(rollback: null), ["fix: x\n\nROLLBACK: disable flag transfer_fee_v2\n"]);
        Check(r, "evidence.rollback").Outcome.Should().Be(Outcome.Pass);
        r.Evidence["rollback"].Source.Should().Be(EvidenceSource.Trailer);
        r.Evidence["rollback"].Commit.Should().Be(0);
    }

    [Fact]
    public void Evaluate_IncidentDiffersBetweenPrAndTrailer_FailsAgreementShowingBoth()
    {
        var c = Check(Evaluate(Body(), ["fix: x\n\nINC: INC-2472\n"]), "evidence.agreement.incident");
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Contain("'INC-2471' in PR description line 1").And.Contain("'INC-2472' in INC trailer of commit 0");
    }

    [Fact]
    public void Evaluate_TraceAsUrlInPrAndBareInTrailer_Agrees()
    {
        var r = Evaluate(Body(trace: $"https://app.trace.example/trace/{TraceId.ToUpperInvariant()}"), [$"fix: x\n\nTRACE: {TraceId}\n"]);
        Check(r, "evidence.agreement.trace").Outcome.Should().Be(Outcome.Pass);
        r.Evidence["trace"].TraceId.Should().Be(TraceId);
    }

    [Fact]
    public void Evaluate_FreeTextReworded_DoesNotFailAgreement()
    {
        var r = Evaluate(Body(), ["fix: x\n\nINVARIANT: balances never go negative\n"]);
        r.Checks.Should().NotContain(c => c.Id == "evidence.agreement.invariant");
    }

    [Theory]
    [InlineData("3f6b2a9c", "holds no W3C trace id")]
    [InlineData("00000000000000000000000000000000", "all-zero trace id")]
    [InlineData("3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2ff", "holds no W3C trace id")]
    public void Evaluate_MalformedTraceId_FailsWithWhatWasExpected(string trace, string expected)
    {
        var c = Check(Evaluate(Body(trace: trace)), "evidence.trace");
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Contain(expected);
    }

    [Fact]
    public void Evaluate_TraceIdInsideLinkUrl_IsFound()
    {
        var r = Evaluate(Body(trace: $"[the failing trace](https://app.trace.example/trace/{TraceId})"));
        r.Evidence["trace"].TraceId.Should().Be(TraceId);
        r.Evidence["trace"].Url.Should().Be($"https://app.trace.example/trace/{TraceId}");
    }

    [Fact]
    public void Evaluate_IncidentNotMatchingPattern_Fails()
    {
        Check(Evaluate(Body(incident: "inc 2471")), "evidence.incident").Message.Should().Contain("does not match the pattern ^[A-Z][A-Z0-9]+-[0-9]+$");
    }

    [Theory]
    [InlineData("../../etc/passwd::x", "leaves the checkout")]
    [InlineData("/etc/passwd::x", "absolute path")]
    [InlineData("tests/missing.py::test_x", "does not exist in the checkout")]
    [InlineData("tests/test_transfer_repro.py", "expected path::test_name")]
    public void Evaluate_BadRepro_FailsWithReason(string repro, string expected)
    {
        var c = Check(Evaluate(Body(repro: repro)), "evidence.repro");
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Contain(expected);
    }

    [Fact]
    public void Evaluate_ReproThroughSymlinkOutOfTheCheckout_IsRefused()
    {
        using var outside = new TempDir();
        outside.Write("secret.py", "x");
        File.CreateSymbolicLink(Path.Combine(_ws.Path, "tests", "escape"), outside.Path);
        Check(Evaluate(Body(repro: "tests/escape/secret.py::test_x")), "evidence.repro").Message.Should().Contain("resolves outside the checkout");
    }

    private static TestCaseResult Case(string name, TestOutcome outcome, string? message = null) =>
        new("results.xml", 7, "tests.test_transfer_repro", name, outcome) { Message = message };

    [Fact]
    public void Evaluate_ReproPassedInResults_PassesRunCheck()
    {
        Check(Evaluate(Body(), cases: [Case("test_fee_guard_fires", TestOutcome.Passed)]), "evidence.repro.run")
            .Message.Should().Be("tests/test_transfer_repro.py::test_fee_guard_fires passed (results.xml:7)");
    }

    [Fact]
    public void Evaluate_ReproFailedInResults_FailsWithTheFailureMessage()
    {
        var c = Check(Evaluate(Body(), cases: [Case("test_fee_guard_fires", TestOutcome.Failed, "AssertionError: overdraft")]), "evidence.repro.run");
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Contain("failed: AssertionError: overdraft");
    }

    [Fact]
    public void Evaluate_ReproSkipped_Fails()
    {
        Check(Evaluate(Body(), cases: [Case("test_fee_guard_fires", TestOutcome.Skipped, "needs db")]), "evidence.repro.run")
            .Message.Should().Contain("was skipped: needs db");
    }

    [Fact]
    public void Evaluate_ReproNotInResults_FailsAsNotRun()
    {
        var c = Check(Evaluate(Body(), cases: [Case("test_other", TestOutcome.Passed)]), "evidence.repro.run");
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Contain("did not run");
    }

    [Fact]
    public void Evaluate_NoTestResults_WarnsThatReproWasNotVerified()
    {
        Check(Evaluate(Body()), "evidence.repro.run").Outcome.Should().Be(Outcome.Warn);
    }

    [Fact]
    public void Evaluate_UncheckedChecklistItem_FailsListingIt()
    {
        var c = Check(Evaluate(Body() + "- [x] done\n- [ ] CI green\n"), "evidence.checklist");
        c.Outcome.Should().Be(Outcome.Fail);
        c.Details.Should().ContainSingle().Which.Should().Contain("CI green");
    }

    [Fact]
    public void Evaluate_ChecklistIgnored_Skips()
    {
        var policy = PolicyDefaults.Create().Evidence with { Checklist = ChecklistMode.Ignore };
        Check(Evaluate(Body() + "- [ ] CI green\n", policy: policy), "evidence.checklist").Outcome.Should().Be(Outcome.Skip);
    }

    [Fact]
    public void Evaluate_TrailerInProseParagraph_WarnsHowToFixTheMessage()
    {
        var c = Check(Evaluate(Body(), ["fix: x\n\nThis fixes it.\nINC: INC-2471\n"]), "evidence.trailers");
        c.Outcome.Should().Be(Outcome.Warn);
        c.Details.Single().Should().Contain("line 4").And.Contain("Put a blank line between the text and the trailers");
    }

    [Fact]
    public void Evaluate_ManyTrailerShapedProseLines_KeepsTheFirstWarningsAndCountsTheRest()
    {
        // 16 MiB of such lines held over a million warning texts (777 MiB): only what a report can show is kept.
        int lines = 5000;
        var message = "fix\n\n" + string.Concat(Enumerable.Repeat("INC: INC-1\n", lines)) + "\nprose that ends it\n";
        var c = Check(Evaluate(Body(), [message]), "evidence.trailers");
        c.Outcome.Should().Be(Outcome.Warn);
        c.Message.Should().Be($"{lines} line(s) look like evidence trailers but git does not read them");
        c.Details.Should().HaveCount(EvidenceGate.MaxTrailerWarnings + 1);
        c.Details[0].Should().StartWith("commit 0, line 3: 'INC: INC-1'");
        c.Details[EvidenceGate.MaxTrailerWarnings - 1].Should().StartWith($"commit 0, line {EvidenceGate.MaxTrailerWarnings + 2}: ");
        c.Details[^1].Should().Be($"and {lines - EvidenceGate.MaxTrailerWarnings} more such line(s), not listed");
    }

    [Fact]
    public void Evaluate_AsManyTrailerWarningsAsAreKept_ListsEveryOneWithoutAMoreLine()
    {
        var message = "fix\n\n" + string.Concat(Enumerable.Repeat("INC: INC-1\n", EvidenceGate.MaxTrailerWarnings)) + "\nprose\n";
        var c = Check(Evaluate(Body(), [message]), "evidence.trailers");
        c.Details.Should().HaveCount(EvidenceGate.MaxTrailerWarnings).And.OnlyContain(d => d.Contains("only the last paragraph holds trailers"));
    }

    [Fact]
    public void Evaluate_UrlLineInTrailerBlock_IsNotATrailer()
    {
        var r = Evaluate(Body(), ["fix: x\n\nINC: INC-2471\nhttps://tickets.example/INC-2471\n"]);
        r.Trailers.Select(t => t.Key).Should().Equal("INC");
    }

    [Fact]
    public void Evaluate_OptionalFieldMissing_Skips()
    {
        Check(Evaluate(Body()), "evidence.root-cause").Outcome.Should().Be(Outcome.Skip);
    }

    [Fact]
    public void Evaluate_CatastrophicPattern_TimesOutAsAFinding()
    {
        var field = PolicyDefaults.Field("incident", true) with
        {
            Pattern = new System.Text.RegularExpressions.Regex("^(a+)+$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(50)),
        };
        var policy = PolicyDefaults.Create().Evidence with { Fields = [field] };
        var c = Check(Evaluate("Incident: " + new string('a', 5000) + "!\n", policy: policy), "evidence.incident");
        c.Outcome.Should().Be(Outcome.Fail);
        c.Message.Should().Contain("took longer than");
    }

    [Fact]
    public void Evaluate_PlaceholderInPrButValueInTrailer_WarnsThatThePrStillShowsFiller()
    {
        var c = Check(Evaluate(Body(incident: "INC-XXXX"), ["fix: x\n\nINC: INC-2471\n"]), "evidence.incident");
        c.Outcome.Should().Be(Outcome.Warn);
        c.Message.Should().Be("Incident: INC-2471 (INC trailer of commit 0), but the PR description still holds the template's placeholder 'INC-XXXX' (PR description line 1)");
    }
}
