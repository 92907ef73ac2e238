using FluentAssertions;
using TraceGate.Cli.Inputs;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Gates;

/// <summary>evidence.scope, conditional requirements and labels as evidence, on facts given in-process.</summary>
public sealed class ScopeGateTests : IDisposable
{
    private const string Policy = """
        evidence:
          sources: [pr-body, commit-trailers, labels]
          when:
            labels: [bug, incident]
            title: '^(fix|hotfix)(\(.+\))?!?:'
            branches: ['hotfix/*', 'fix/*']
            paths: ['src/**']
            trailers: [INC]
          skip-authors: ['dependabot[bot]']
          skip-labels: [no-evidence-needed]
          fields:
            incident: { pattern: '^[A-Z][A-Z0-9]+-[0-9]+$', labels: ['incident:{value}'] }
            rollback: { required: { when: { paths: ['migrations/**', 'src/payments/**'], labels: ['risk:high'] } } }
        """;

    private const string FeatureCommit = "feat: fee preview\n\nShows the fee first.\n";
    private readonly TempDir _ws = new();

    public void Dispose() => _ws.Dispose();

    private static PullRequestFacts Feature => new()
    {
        Labels = ["enhancement"],
        Title = "feat: fee preview",
        Branch = "feature/fee-preview",
        Author = ["dana"],
        ChangedFiles = new ChangedFiles([new ChangedFile("docs/fees.md")]),
    };

    private EvidenceResult Evaluate(PullRequestFacts facts, string? body = "", IReadOnlyList<string>? commits = null, string policy = Policy) =>
        EvidenceGate.Evaluate(PolicyLoader.Load(".tracegate.yml", policy).Policy!.Evidence, new EvidenceInputs
        {
            PrBody = body,
            CommitMessages = commits ?? [FeatureCommit],
            Workspace = new FileWorkspace(_ws.Path),
            Facts = facts,
        });

    private static Check Scope(EvidenceResult r) => r.Checks.Should().ContainSingle(c => c.Id == "evidence.scope").Subject;

    [Fact]
    public void Evaluate_FeaturePr_IsOutOfScopeWithEveryReasonAndNoOtherEvidenceCheck()
    {
        var r = Evaluate(Feature);
        r.Checks.Should().ContainSingle();
        var scope = Scope(r);
        scope.Outcome.Should().Be(Outcome.Skip);
        scope.Message.Should().Be("Evidence not required: no label bug or incident; title 'feat: fee preview' does not match ^(fix|hotfix)(\\(.+\\))?!?:; "
            + "branch feature/fee-preview matches none of hotfix/*, fix/*; no changed file matches src/** (1 file changed); no commit carries the trailer INC");
        r.Evidence.Should().BeEmpty();
    }

    [Theory]
    [InlineData("label", "label Bug")]
    [InlineData("title", "title 'fix(api)!: guard' matches")]
    [InlineData("branch", "branch hotfix/overdraft matches hotfix/*")]
    [InlineData("path", "src/payments/transfer.py matches src/**")]
    [InlineData("renamed-from", "src/old.py matches src/**")]
    [InlineData("trailer", "commit 1 carries the trailer inc")]
    public void Evaluate_AnyConditionThatHolds_PutsThePrInScopeAndNamesIt(string which, string named)
    {
        var facts = which switch
        {
            "label" => Feature with { Labels = ["enhancement", "Bug"] },
            "title" => Feature with { Title = "fix(api)!: guard" },
            "branch" => Feature with { Branch = "hotfix/overdraft" },
            "path" => Feature with { ChangedFiles = new ChangedFiles([new ChangedFile("docs/a.md"), new ChangedFile("src/payments/transfer.py")]) },
            "renamed-from" => Feature with { ChangedFiles = new ChangedFiles([new ChangedFile("lib/new.py", "src/old.py")]) },
            _ => Feature,
        };
        var r = Evaluate(facts, commits: which == "trailer" ? [FeatureCommit, "fix: x\n\ninc: INC-1\n"] : null);
        var scope = Scope(r);
        scope.Outcome.Should().Be(Outcome.Pass);
        scope.Message.Should().StartWith("Evidence required: ").And.Contain(named);
        r.Checks.Should().Contain(c => c.Id == "evidence.incident", "the evidence checks run in scope");
    }

    [Fact]
    public void Evaluate_LabelsUnknown_NeverTakesThePrOutOfScope()
    {
        var r = Evaluate(Feature with { Labels = null });
        var scope = Scope(r);
        scope.Outcome.Should().Be(Outcome.Fail);
        scope.Message.Should().StartWith("Cannot tell whether this pull request needs evidence: the labels were not given (--labels NAME, or --labels '' for none)")
            .And.Contain("What is known does not put it in scope: title 'feat: fee preview' does not match");
        r.Checks.Should().Contain(c => c.Id == "evidence.incident" && c.Outcome == Outcome.Fail, "an undecided PR is checked as one in scope");
    }

    [Fact]
    public void Evaluate_HostSaysWhyTheFilesAreUnknown_TheScopeFailureSaysSo()
    {
        var facts = Feature with
        {
            ChangedFiles = null,
            Missing = new Dictionary<string, string> { [FactNames.ChangedFiles] = "GET /repos/acme/payments/pulls/1/files failed: HTTP 502" },
        };
        Scope(Evaluate(facts)).Message.Should().Contain("GET /repos/acme/payments/pulls/1/files failed: HTTP 502");
    }

    [Fact]
    public void Evaluate_FileListCutAt3000WithNoMatch_IsUndecidedNotOutOfScope()
    {
        var files = Enumerable.Range(0, 3000).Select(i => new ChangedFile($"docs/page{i}.md")).ToList();
        var r = Evaluate(Feature with { ChangedFiles = new ChangedFiles(files) { Truncated = true, Total = 3412 } });
        var scope = Scope(r);
        scope.Outcome.Should().Be(Outcome.Fail);
        scope.Message.Should().Contain("the changed-file list was cut at 3,000 of 3,412 files and none listed matches src/**: a file not listed may");
        scope.Details.Should().Contain(d => d.Contains("cut at 3,000 of 3,412 files", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_FileListCutButAListedFileMatches_IsInScope()
    {
        var files = new List<ChangedFile> { new("src/a.py") };
        var scope = Scope(Evaluate(Feature with { ChangedFiles = new ChangedFiles(files) { Truncated = true, Total = 3412 } }));
        scope.Outcome.Should().Be(Outcome.Pass);
        scope.Details.Should().ContainSingle().Which.Should().Contain("cut at 1 of 3,412 files");
    }

    [Fact]
    public void Evaluate_SkipAuthor_SkipsBeforeWhenEvenOnABugFix()
    {
        var scope = Scope(Evaluate(Feature with { Author = ["Dependabot[bot]"], Labels = ["bug"] }));
        scope.Outcome.Should().Be(Outcome.Skip);
        scope.Message.Should().Be("Evidence not required: the author Dependabot[bot] is in evidence.skip-authors");
    }

    [Fact]
    public void Evaluate_SkipLabel_IsAnExplicitOverrideOfWhen()
    {
        var scope = Scope(Evaluate(Feature with { Labels = ["bug", "no-evidence-needed"] }));
        scope.Outcome.Should().Be(Outcome.Skip);
        scope.Message.Should().Be("Evidence not required: the label no-evidence-needed is in evidence.skip-labels");
    }

    [Fact]
    public void Evaluate_NoScopeKeys_AddsNoScopeCheck()
    {
        var r = Evaluate(Feature, policy: "evidence:\n  fields:\n    incident: {}\n");
        r.Checks.Should().NotContain(c => c.Id == "evidence.scope");
        r.Checks.Should().Contain(c => c.Id == "evidence.incident" && c.Outcome == Outcome.Fail);
    }

    [Fact]
    public void Evaluate_RollbackRequiredByAPath_FailsSayingWhy()
    {
        var facts = Feature with { Labels = ["bug"], ChangedFiles = new ChangedFiles([new ChangedFile("src/payments/transfer.py")]) };
        var rollback = Evaluate(facts, "Incident: INC-1\n").Checks.Single(c => c.Id == "evidence.rollback");
        rollback.Outcome.Should().Be(Outcome.Fail);
        rollback.Message.Should().Be("Rollback is missing (required: src/payments/transfer.py matches src/payments/**)");
    }

    [Fact]
    public void Evaluate_RollbackConditionDoesNotHold_IsOptionalSayingWhy()
    {
        var rollback = Evaluate(Feature with { Labels = ["bug"] }, "Incident: INC-1\n").Checks.Single(c => c.Id == "evidence.rollback");
        rollback.Outcome.Should().Be(Outcome.Skip);
        rollback.Message.Should().Be("Rollback not given (optional: no label risk:high; no changed file matches migrations/**, src/payments/** (1 file changed))");
    }

    [Fact]
    public void Evaluate_RollbackConditionUndecided_IsRequired()
    {
        var rollback = Evaluate(Feature with { Labels = ["bug"], ChangedFiles = null }, "Incident: INC-1\n").Checks.Single(c => c.Id == "evidence.rollback");
        rollback.Outcome.Should().Be(Outcome.Fail);
        rollback.Message.Should().StartWith("Rollback is missing (required: evidence.fields.rollback.required.when cannot be ruled out, as the changed files were not given");
    }

    [Fact]
    public void Evaluate_IncidentOnlyAsALabel_SatisfiesIncidentWithSourceLabel()
    {
        var r = Evaluate(Feature with { Labels = ["bug", "incident:INC-2471"] });
        var incident = r.Checks.Single(c => c.Id == "evidence.incident");
        incident.Outcome.Should().Be(Outcome.Pass);
        incident.Message.Should().Be("Incident: INC-2471 (label incident:INC-2471)");
        r.Evidence["incident"].Source.Should().Be(EvidenceSource.Label);
        r.Evidence["incident"].Label.Should().Be("incident:INC-2471");
    }

    [Fact]
    public void Evaluate_LabelValueIsCheckedByTheFieldPattern()
    {
        var incident = Evaluate(Feature with { Labels = ["bug", "incident:oops"] }).Checks.Single(c => c.Id == "evidence.incident");
        incident.Outcome.Should().Be(Outcome.Fail);
        incident.Message.Should().Contain("'oops' does not match the pattern").And.Contain("(label incident:oops)");
    }

    [Fact]
    public void Evaluate_LabelDisagreesWithTheDescription_FailsAgreement()
    {
        var r = Evaluate(Feature with { Labels = ["bug", "incident:INC-9"] }, "Incident: INC-2471\n");
        r.Checks.Single(c => c.Id == "evidence.incident").Message.Should().Contain("(PR description line 1)", "the description wins over a label");
        var agreement = r.Checks.Single(c => c.Id == "evidence.agreement.incident");
        agreement.Outcome.Should().Be(Outcome.Fail);
        agreement.Message.Should().Contain("'INC-2471' in PR description line 1").And.Contain("'INC-9' in label incident:INC-9");
    }

    [Fact]
    public void Evaluate_LabelAgreesWithATrailer_PassesAgreement()
    {
        var r = Evaluate(Feature with { Labels = ["bug", "incident:INC-7"] }, "", [FeatureCommit + "\nINC: INC-7\n"]);
        r.Checks.Single(c => c.Id == "evidence.agreement.incident").Outcome.Should().Be(Outcome.Pass);
    }

    [Fact]
    public void Evaluate_LabelsUnknownForALabelField_TheMissingMessageSaysSo()
    {
        var facts = Feature with { Labels = null, Title = "fix: x" };
        Evaluate(facts).Checks.Single(c => c.Id == "evidence.incident").Message
            .Should().Be("Incident is missing; labels were not read: the labels were not given (--labels NAME, or --labels '' for none)");
    }
}
