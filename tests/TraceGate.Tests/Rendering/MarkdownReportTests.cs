using FluentAssertions;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Tests.Rendering;

public sealed class MarkdownReportTests
{
    private static Report Big(int checks, int detailsEach) => new(
        Conclusion.Failure,
        Enumerable.Range(0, checks).Select(i => new Check($"evidence.f{i}", i % 2 == 0 ? Outcome.Fail : Outcome.Pass, new string('m', 400))
        {
            Details = Enumerable.Range(0, detailsEach).Select(d => $"detail {d} " + new string('d', 200)).ToList(),
        }).ToList(),
        new Dictionary<string, EvidenceValue>(),
        [],
        []);

    [Theory]
    [InlineData(10, 0)]
    [InlineData(200, 0)]
    [InlineData(100, 40)]
    [InlineData(2000, 50)]
    public void Render_AnyReport_FitsTheCheckRunLimit(int checks, int details)
    {
        MarkdownReport.Render(Big(checks, details)).Length.Should().BeLessThanOrEqualTo(MarkdownReport.GitHubCheckRunLimit);
    }

    [Fact]
    public void Render_WhenShortened_SaysSoVisibly()
    {
        var md = MarkdownReport.Render(Big(300, 10));
        md.Should().Contain("_Report shortened to fit the size limit");
        md.Should().StartWith("## ❌ TraceGate: 150 checks failed");
    }

    [Fact]
    public void Render_SmallReport_HasNoShorteningNote()
    {
        MarkdownReport.Render(Big(4, 1)).Should().NotContain("shortened");
    }
}
