using FluentAssertions;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Tests.Rendering;

/// <summary>The report's <c>tool</c> member: written, read back by the publish step, and never trusted as text.</summary>
public sealed class JsonReportToolTests
{
    private static Report Minimal(ToolInfo? tool) =>
        new(Conclusion.Success, [new Check("evidence", Outcome.Pass, "ok")], new Dictionary<string, EvidenceValue>(), [], []) { Tool = tool };

    [Fact]
    public void Read_WhenReportNamesTool_KeepsNameAndVersion()
    {
        var back = JsonReportReader.Read(JsonReport.Render(Minimal(new ToolInfo("tracegate", "1.2.3"))));
        back.Tool.Should().Be(new ToolInfo("tracegate", "1.2.3"));
        MarkdownReport.Render(back).Should().EndWith("\n_Checked by tracegate 1.2.3._\n");
    }

    [Theory]
    [InlineData("1.0.0 @everyone")]
    [InlineData("1.0.0\n::error::x")]
    [InlineData("<script>")]
    [InlineData("")]
    public void Read_WhenToolVersionIsNotAPlainToken_DropsTool(string version)
    {
        var json = JsonReport.Render(Minimal(new ToolInfo("tracegate", version)));
        var back = JsonReportReader.Read(json);
        back.Tool.Should().BeNull();
        MarkdownReport.Render(back).Should().NotContain("Checked by");
    }

    [Fact]
    public void Read_WhenReportHasNoTool_LeavesToolNull()
    {
        JsonReportReader.Read("{\"checks\": []}").Tool.Should().BeNull();
    }
}
