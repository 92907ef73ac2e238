using FluentAssertions;
using TraceGate.Cli.Inputs;
using TraceGate.Core.Evidence;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Gates;

/// <summary>Issue 18: the template's own text is not evidence; tracker links give keys.</summary>
public sealed class EvidenceGateTemplateTests : IDisposable
{
    private const string Template = "## Incident\n<!-- the ticket -->\n\n## Rollback Plan\n- Rollback trigger\n- Steps to revert\n\n## Invariant\nOne sentence that must always hold.\n";
    private readonly TempDir _ws = new();

    public void Dispose() => _ws.Dispose();

    private static EvidencePolicy Fields(params FieldPolicy[] fields) => PolicyDefaults.Create().Evidence with { Fields = fields, Checklist = ChecklistMode.Ignore };

    private static readonly EvidencePolicy Policy = Fields(PolicyDefaults.Field("incident", true), PolicyDefaults.Field("rollback", true), PolicyDefaults.Field("invariant", true));

    private EvidenceResult Evaluate(string body, EvidencePolicy? policy = null, string? template = Template) =>
        EvidenceGate.Evaluate(policy ?? Policy, new EvidenceInputs
        {
            PrBody = body,
            Workspace = new FileWorkspace(_ws.Path),
            PrTemplates = template is null ? [] : [new PrTemplate(".github/pull_request_template.md", template)],
        });

    private static Check Check(EvidenceResult r, string id) => r.Checks.Should().ContainSingle(c => c.Id == id).Subject;

    [Fact]
    public void Evaluate_ValueThatIsTheTemplatesText_IsAPlaceholderThatSaysSo()
    {
        var r = Evaluate(Template);
        var rollback = Check(r, "evidence.rollback");
        rollback.Outcome.Should().Be(Outcome.Fail);
        rollback.Message.Should().Be("Rollback still holds the template's text 'Rollback trigger' (PR description line 5)");
        rollback.Hint.Should().StartWith("Replace the text the PR template (.github/pull_request_template.md) gives under 'Rollback Plan'");
        Check(r, "evidence.invariant").Message.Should().Be("Invariant still holds the template's text 'One sentence that must always hold.' (PR description line 9)");
        Check(r, "evidence.incident").Message.Should().Be("Incident holds only the template's comment (PR description line 1)");
    }

    [Fact]
    public void Evaluate_WithoutTheTemplate_TheInstructionTextPassesAsAValue()
    {
        // What the template-aware rule prevents: the unfilled rollback section reads as a plan.
        Check(Evaluate(Template, template: null), "evidence.rollback").Outcome.Should().Be(Outcome.Pass);
    }

    [Fact]
    public void Evaluate_TemplateTextKeptBesideTheAnswer_KeepsOnlyTheAnswer()
    {
        var body = Template.Replace("- Steps to revert\n", "- Steps to revert\n- git revert the merge commit, then turn off transfer_fee_v2\n", StringComparison.Ordinal)
            .Replace("<!-- the ticket -->", "PAY-4711", StringComparison.Ordinal)
            .Replace("One sentence that must always hold.", "A balance never goes below zero.", StringComparison.Ordinal);
        var r = Evaluate(body);
        r.Checks.Where(c => c.Outcome == Outcome.Fail).Should().BeEmpty();
        r.Evidence["rollback"].Value.Should().Be("git revert the merge commit, then turn off transfer_fee_v2");
    }

    [Fact]
    public void Evaluate_InlineChoiceLeftAsInTheTemplate_IsThePlaceholder()
    {
        const string template = "- Incident / ticket link:\n- Rollback plan: revert PR / redeploy previous tag / config switch\n";
        var policy = Fields(PolicyDefaults.Field("rollback", true));
        Check(Evaluate(template, policy, template), "evidence.rollback").Message.Should().Contain("still holds the template's text 'revert PR / redeploy previous tag / config switch'");
        Check(Evaluate(template.Replace("revert PR / redeploy previous tag / config switch", "redeploy v2.3.1", StringComparison.Ordinal), policy, template), "evidence.rollback")
            .Outcome.Should().Be(Outcome.Pass);
    }

    [Theory]
    [InlineData("Incident: https://acme.atlassian.net/browse/PAY-123", "PAY-123", "https://acme.atlassian.net/browse/PAY-123")]
    [InlineData("Incident: [the outage](https://jira.acme.example/jira/browse/PAY-77?focusedCommentId=1)", "PAY-77", "https://jira.acme.example/jira/browse/PAY-77")]
    [InlineData("Incident: https://linear.app/acme/issue/ENG-42/fee-guard-fires-late", "ENG-42", "https://linear.app/acme/issue/ENG-42")]
    public void Evaluate_TrackerLink_TheKeyIsTheValueAndTheLinkIsKept(string line, string key, string url)
    {
        var r = Evaluate(line + "\n", Fields(PolicyDefaults.Field("incident", true)), template: null);
        Check(r, "evidence.incident").Outcome.Should().Be(Outcome.Pass);
        r.Evidence["incident"].Value.Should().Be(key);
        r.Evidence["incident"].Url.Should().Be(url);
    }

    [Fact]
    public void Evaluate_GitHubIssueUrl_IsOwnerRepoNumberAndTheDefaultPatternSaysItIsNoTicketKey()
    {
        const string body = "Incident: https://github.com/mattermost/mattermost/issues/28321\n";
        var strict = Evaluate(body, Fields(PolicyDefaults.Field("incident", true)), template: null);
        Check(strict, "evidence.incident").Message.Should().Be("Incident is not well formed: 'mattermost/mattermost#28321' does not match the pattern ^[A-Z][A-Z0-9]+-[0-9]+$ (PR description line 1)");
        var issues = PolicyDefaults.Field("incident", true) with { Pattern = new System.Text.RegularExpressions.Regex(PolicyDefaults.IssueRefPattern) };
        var r = Evaluate(body, Fields(issues), template: null);
        Check(r, "evidence.incident").Message.Should().Be("Incident: mattermost/mattermost#28321 (PR description line 1)");
        r.Evidence["incident"].Url.Should().Be("https://github.com/mattermost/mattermost/issues/28321");
    }

    [Fact]
    public void Evaluate_KeyPatternForAnotherTracker_GivesItsKeyAndThePatternChecksIt()
    {
        var field = PolicyDefaults.Field("incident", true) with
        {
            KeyPattern = new System.Text.RegularExpressions.Regex(@"https://tickets\.acme\.example/t/(?<key>[0-9]+)"),
            Pattern = new System.Text.RegularExpressions.Regex("^[0-9]+$"),
        };
        var r = Evaluate("Incident: https://tickets.acme.example/t/8812\n", Fields(field), template: null);
        r.Evidence["incident"].Value.Should().Be("8812");
        r.Evidence["incident"].Url.Should().Be("https://tickets.acme.example/t/8812");
        Check(r, "evidence.incident").Outcome.Should().Be(Outcome.Pass);
    }

    [Theory]
    [InlineData("Fixes #1234", "#1234")]
    [InlineData("closes acme/payments#7", "acme/payments#7")]
    [InlineData("https://dev.azure.com/acme/Payments/_workitems/edit/5521", "AB#5521")]
    public void Find_ClosingKeywordsAndAzureBoards_GiveTheirReference(string value, string key)
    {
        TrackerKeys.Find(value, null, builtIn: true, custom: null)!.Key.Should().Be(key);
    }

    [Fact]
    public void Find_KeyOrProse_IsNoTrackerLink()
    {
        TrackerKeys.Find("PAY-123", null, builtIn: true, custom: null).Should().BeNull("a key is already the value");
        TrackerKeys.Find("see the runbook", "https://wiki.acme.example/runbook", builtIn: true, custom: null).Should().BeNull();
    }

    [Fact]
    public void Evaluate_LinkInAFieldWithoutTrackerKeys_StaysText()
    {
        // Only the incident (and fields with a key-pattern) read tracker links: a rollback that names a PR is prose.
        var r = Evaluate("Rollback: revert https://github.com/acme/pay/pull/12 and redeploy\n", Fields(PolicyDefaults.Field("rollback", true)), template: null);
        r.Evidence["rollback"].Value.Should().Be("revert https://github.com/acme/pay/pull/12 and redeploy");
    }
}
