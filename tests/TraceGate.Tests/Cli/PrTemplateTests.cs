using FluentAssertions;
using TraceGate.Cli.Inputs;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>Issue 18: the checkout's PR template is found where GitHub and Azure Repos look, and read from the
/// checkout only.</summary>
public sealed class PrTemplateTests : IDisposable
{
    private const string Policy = "version: 1\nevidence:\n  checklist: ignore\n  fields:\n    rollback: { required: true, aliases: [Rollback Plan] }\n";
    private const string Template = "## Rollback Plan\n- Rollback trigger\n";
    private readonly TempDir _ws = new();

    public PrTemplateTests()
    {
        _ws.Write(".tracegate.yml", Policy);
        _ws.Write("pr.md", Template);
    }

    public void Dispose() => _ws.Dispose();

    [Theory]
    [InlineData(".github/pull_request_template.md")]
    [InlineData(".github/PULL_REQUEST_TEMPLATE.md")]
    [InlineData("docs/Pull_Request_Template.md")]
    [InlineData("PULL_REQUEST_TEMPLATE.md")]
    [InlineData(".github/PULL_REQUEST_TEMPLATE/hotfix.md")]
    [InlineData(".github/pull_request_template/hotfix.md")]
    [InlineData(".azuredevops/pull_request_template.md")]
    [InlineData(".azuredevops/pull_request_template/branches/main.md")]
    public void Check_TemplateWhereTheHostLooks_RejectsItsTextAsTheValue(string path)
    {
        _ws.Write(path, Template);
        var r = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md");
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        r.Out.Should().Contain("Rollback still holds the template's text 'Rollback trigger'");
    }

    [Fact]
    public void Check_NoTemplateInTheCheckout_TakesTheTextAsItIs()
    {
        CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md").ExitCode.Should().Be(0);
    }

    [Fact]
    public void Check_PrTemplateOption_NamesAnotherFileInTheCheckout()
    {
        _ws.Write("templates/risky-change.md", Template);
        var r = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md", "--pr-template", "templates/risky-change.md");
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("still holds the template's text 'Rollback trigger'");
    }

    [Fact]
    public void Check_PrTemplateFromTheEnvironment_IsTheActionAndTaskInput()
    {
        _ws.Write("templates/risky-change.md", Template);
        var env = new Dictionary<string, string?> { ["TRACEGATE_PR_TEMPLATE"] = "templates/risky-change.md" };
        CliHarness.Run(_ws.Path, env, "check", "--pr-body", "pr.md").ExitCode.Should().Be(1);
    }

    [Fact]
    public void Check_PrTemplateOutsideTheCheckout_IsRefusedWithExit2()
    {
        using var outside = new TempDir();
        outside.Write("t.md", Template);
        var r = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md", "--pr-template", Path.Combine(outside.Path, "t.md"));
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("resolves outside the checkout");
        CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md", "--pr-template", "../t.md").ExitCode.Should().Be(2);
    }

    [Fact]
    public void Check_PrTemplateMissing_IsExit2NamingTheFile()
    {
        var r = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md", "--pr-template", "nope.md");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("--pr-template nope.md: no such file in the checkout");
    }

    [Fact]
    public void Discover_TemplateLinkedFromOutside_IsSkippedAndReported()
    {
        using var outside = new TempDir();
        var target = outside.Write("secret.md", "## Rollback Plan\n- do not read me\n");
        Directory.CreateDirectory(_ws.File(".github"));
        File.CreateSymbolicLink(_ws.File(".github/pull_request_template.md"), target);
        var (templates, skipped) = PrTemplateFiles.Discover(new FileWorkspace(_ws.Path));
        templates.Should().BeEmpty();
        skipped.Should().Equal(".github/pull_request_template.md");
        var r = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md");
        r.Out.Should().Contain("1 PR template(s) lead outside the checkout and were not read: .github/pull_request_template.md");
    }

    [Fact]
    public void InitEvidence_NoTemplateInTheCheckout_IsExit2SayingWhereItLooked()
    {
        using var empty = new TempDir();
        var r = CliHarness.Run(empty.Path, "init", "--evidence");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("no PR template in the checkout").And.Contain(".github/PULL_REQUEST_TEMPLATE/*.md").And.Contain("--pr-template FILE");
    }

    [Fact]
    public void InitEvidence_DraftsKnownFieldsAsAliasesAndNewFieldsFromTheLabels()
    {
        using var ws = new TempDir();
        ws.Write(".github/pull_request_template.md", "## Jira ticket\n<!-- PAY-123 -->\n\n## Rollback Plan\n- Rollback trigger\n\n**Blast radius:**\n\n## Checklist\n- [ ] Tests added\n");
        var r = CliHarness.Run(ws.Path, "init", "--evidence", "--out", "policy.yml");
        r.ExitCode.Should().Be(0, r.Error);
        var policy = TraceGate.Core.Policy.PolicyLoader.Load("policy.yml", File.ReadAllText(ws.File("policy.yml"))).Policy!;
        policy.Evidence.Fields.Select(f => f.Name).Should().Equal("incident", "rollback", "blast-radius");
        policy.Evidence.Fields[0].Aliases.Should().Contain("Jira ticket");
        policy.Evidence.Fields[0].Pattern!.ToString().Should().Be(TraceGate.Core.Policy.PolicyDefaults.IncidentPattern, "a Jira ticket keeps the ticket-key pattern");
        policy.Evidence.Fields[1].Aliases.Should().Contain(a => a.Equals("rollback plan", StringComparison.OrdinalIgnoreCase));
        policy.Evidence.Fields[2].Aliases.Should().StartWith("Blast radius");
        File.ReadAllText(ws.File("policy.yml")).Should().Contain("# The template asks for no trace, invariant, repro");
    }

    [Fact]
    public void Init_TracesAndEvidence_WritesOnePolicyWithBothSections()
    {
        using var ws = new TempDir();
        ws.Write(".github/pull_request_template.md", "## Rollback Plan\n- Rollback trigger\n");
        File.WriteAllBytes(ws.File("good.pb"), File.ReadAllBytes(Repo.Fixture("Traces/Fixtures/payments/good.pb")));
        var r = CliHarness.Run(ws.Path, "init", "--evidence", "--traces", "good.pb");
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().Contain("rules drafted from").And.Contain("1 evidence fields drafted from .github/pull_request_template.md");
        var policy = TraceGate.Core.Policy.PolicyLoader.Load(".tracegate.yml", File.ReadAllText(ws.File(".tracegate.yml"))).Policy!;
        policy.Traces.Rules.Should().NotBeEmpty();
        policy.Evidence.Fields.Select(f => f.Name).Should().Equal("rollback");
    }

    [Fact]
    public void Init_WithNeitherTracesNorEvidence_IsExit2()
    {
        CliHarness.Run(_ws.Path, "init").ExitCode.Should().Be(2);
    }
}
