using FluentAssertions;
using TraceGate.Core.Rendering;

namespace TraceGate.Tests.Rendering;

public sealed class UntrustedTests
{
    public static TheoryData<string> Hostile => new()
    {
        "x\n::set-output name=conclusion::success",
        "x\r\n::add-mask::ghp_secret",
        "x\n::stop-commands::token123",
        "::error file=a::boom",
        "  ::warning::indented",
        "##vso[task.setvariable variable=x]y",
        "x ##vso[task.complete result=Succeeded]",
        "##[error]fake",
        "x\u2028::notice::line separator",
        "x\u0085::notice::next line",
        "%0A::set-output name=x::y",
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Line_NeverLetsACommandStartALine(string text)
    {
        var line = "prefix " + Untrusted.Line(text);
        line.Split('\n').Should().ContainSingle();
        line.Should().NotContain("##vso[").And.NotContain("##[");
        foreach (var l in line.Split('\n', '\r'))
        {
            l.TrimStart().Should().NotStartWith("::");
        }
    }

    [Fact]
    public void Markdown_EscapesHtmlAndMentions()
    {
        var md = Untrusted.Markdown("<script>alert(1)</script> @octocat @acme/team");
        md.Should().NotContain("<script").And.NotContain("@octocat").And.NotContain("@acme/team");
        md.Should().Contain("&lt;script&gt;");
    }

    [Fact]
    public void Markdown_EscapesLinkAndImageSyntax()
    {
        Untrusted.Markdown("[x](javascript:alert(1)) ![i](http://t.example/p.png)").Should().NotContain("](");
    }

    [Fact]
    public void Line_ShowsBidiControlsInsteadOfApplyingThem()
    {
        Untrusted.Line("INC\u202E1742").Should().Be("INC\\u202e1742");
    }

    [Fact]
    public void Code_CannotBeClosedEarlyByBackticks()
    {
        Untrusted.Code("a`b` <b>").Should().Be("`aˋbˋ <b>`");
    }

    [Fact]
    public void Line_CutsLongText()
    {
        Untrusted.Line(new string('a', 10_000), 100).Length.Should().BeLessThanOrEqualTo(101);
    }
}
