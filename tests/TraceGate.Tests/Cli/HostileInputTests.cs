using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>Untrusted PR text and commit messages stay inert in everything TraceGate prints or writes.</summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Check_HostilePrBodyAndCommits_ProduceInertOutput()
    {
        using var ws = new TempDir();
        File.Copy(Repo.Fixture("Evidence/Fixtures/pr-bodies/hostile.md"), ws.File("pr.md"));
        ws.Write("commits", "fix: x\n\n::set-output name=x::y\n##vso[task.complete result=Succeeded]\nINVARIANT: %0A::add-mask::x <img src=x onerror=alert(1)> @admin\n\0");
        var r = CliHarness.Run(ws.Path, "check", "--pr-body", "pr.md", "--commits", "commits", "--summary-md", "s.md", "--report-json", "r.json");
        r.ExitCode.Should().Be(1);
        var md = File.ReadAllText(ws.File("s.md"));
        var json = File.ReadAllText(ws.File("r.json"));
        foreach (var text in new[] { r.Out, r.Error, md, json })
        {
            foreach (var line in text.Split('\n'))
            {
                line.TrimStart().Should().NotStartWith("::");
                line.Should().NotContain("##vso[");
            }
        }

        md.Should().NotContain("<script").And.NotContain("<img").And.NotContain("@octocat").And.NotContain("@acme/security-team");
        md.Should().NotContain("javascript:");
        json.Should().NotContain("<script");
    }
}
