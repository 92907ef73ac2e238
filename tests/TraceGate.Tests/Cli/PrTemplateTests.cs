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
}
