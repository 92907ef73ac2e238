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

    private static string ValueRow(string url)
    {
        var report = new Report(Conclusion.Success, [],
            new Dictionary<string, EvidenceValue> { ["incident"] = new("incident", "INC-1", EvidenceSource.PrBody, 1) { Url = url } }, [], [])
        {
            FieldOrder = ["incident"],
        };
        return MarkdownReport.Render(report).Split('\n').Single(l => l.StartsWith("| incident", StringComparison.Ordinal));
    }

    // Found by fuzzing (fuzz/corpus pr-body crashes): a link in the PR text went into the summary as it was.
    [Theory]
    [InlineData("https://tickets.example/browse/INC@2471", "https://tickets.example/browse/INC%402471")]
    [InlineData("https://app.trace.example/trace/3f6b##vso[task.complete]x", "https://app.trace.example/trace/3f6b##vso%5Btask.complete%5Dx")]
    [InlineData("https://x.example/a|b)c(d", "https://x.example/a%7Cb%29c%28d")]
    [InlineData("https://x.example/<script>`x`\\", "https://x.example/%3Cscript%3E%60x%60/")] // Uri reads a backslash as a slash
    public void Render_LinkFromPrText_IsPercentEncodedWhereMarkdownTablesMentionsOrAzureCouldReadIt(string url, string shown)
    {
        ValueRow(url).Should().Contain($"]({shown})");
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("https://github.com@evil.example/login")]
    [InlineData("/relative/path")]
    [InlineData("vbscript:x")]
    public void Render_LinkFromPrText_ThatIsNotAPlainHttpUrl_IsNotLinked(string url)
    {
        ValueRow(url).Should().NotContain("](").And.Contain("INC-1");
    }
}
