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

    private static QuantileComparison Picture(double scale) => new("p95", 200, 180,
        [.. new[] { 10, 25, 50, 75, 90, 95, 99 }.Select((p, i) => new QuantilePoint(p, (i + 1) * 1_000_000 * scale, (i + 2) * 1_500_000 * scale))]);

    private static Report WithPicture(Check check) => new(Conclusion.Failure, [check], new Dictionary<string, EvidenceValue>(), [], []);

    [Fact]
    public void Render_FailingBudgetWhereMermaidRenders_DrawsBothSidesQuantilesAsAnXyChart()
    {
        var check = new Check("traces.apply-latency", Outcome.Fail, "p95 changed +80%") { Quantiles = [Picture(1)] };

        string md = MarkdownReport.Render(WithPicture(check), 1_000_000, mermaid: true);

        md.Should().Contain("""
            ```mermaid
            xychart-beta
                title "traces.apply-latency p95 - bars baseline n 200, line this run n 180"
                x-axis "quantile" [p10, p25, p50, p75, p90, p95, p99]
                y-axis "duration (ms)" 0 --> 12
                bar [1, 2, 3, 4, 5, 6, 7]
                line [3, 4.5, 6, 7.5, 9, 10.5, 12]
            ```
            """ + "\n");
        md.Should().NotContain("quantiles p10", "where Mermaid renders the chart replaces the sparkline");
    }

    [Fact]
    public void Render_FailingBudgetWhereMermaidDoesNotRender_ShowsTheSparkline()
    {
        var check = new Check("traces.apply-latency", Outcome.Fail, "p95 changed +80%") { Quantiles = [Picture(1)] };

        string md = MarkdownReport.Render(WithPicture(check), 1_000_000, mermaid: false);

        md.Should().NotContain("```mermaid").And.Contain("  - p95\\: quantiles p10 p25 p50 p75 p90 p95 p99 on one scale from 0 to 12ms\\: baseline ▂▂▃▃▄▅▅, this run ▃▄▅▅▆▇█\n");
    }

    [Fact]
    public void Render_SubMillisecondQuantiles_DrawTheAxisInMicroseconds()
    {
        var check = new Check("traces.fast", Outcome.Warn, "p95 up") { Quantiles = [Picture(0.01)] };

        string md = MarkdownReport.Render(WithPicture(check) with { Conclusion = Conclusion.Success }, 1_000_000, mermaid: true);

        md.Should().Contain("    y-axis \"duration (µs)\" 0 --> 120\n").And.Contain("    line [30, 45, 60, 75, 90, 105, 120]\n");
    }

    /// <summary>A check id is the policy's (or a fork's report's, though the reader refuses such ids): whatever it holds,
    /// it cannot end the title's quotes, the line or the code block, nor start a directive, a click or HTML.</summary>
    [Theory]
    [InlineData("traces.x\" \n```\n%%{init: {'theme':'dark'}}%%")]
    [InlineData("traces.<img src=x onerror=alert(1)>")]
    [InlineData("traces.a\"]\n    click a call evil()")]
    [InlineData("traces.x #quot; @octocat ##vso[task.complete result=Succeeded;]")]
    public void Render_HostileCheckIdInTheChart_StaysInertInTheDiagram(string id)
    {
        var check = new Check(id, Outcome.Fail, "p95 changed") { Quantiles = [Picture(1)] };

        string md = MarkdownReport.Render(WithPicture(check), 1_000_000, mermaid: true);

        var block = System.Text.RegularExpressions.Regex.Match(md, "```mermaid\n(.*?)```\n", System.Text.RegularExpressions.RegexOptions.Singleline);
        block.Success.Should().BeTrue(md);
        var lines = block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(6, "the id cannot add a line to the diagram");
        lines[1].Should().MatchRegex("^    title \"[A-Za-z0-9_./ -]+ p95 - bars baseline n 200, line this run n 180\"$");
        block.Groups[1].Value.Should().NotContainAny("%%", "<", "#", "@", "`", "\"]");
        System.Text.RegularExpressions.Regex.Count(md, "```").Should().Be(2, "one code block, opened and closed once");
    }
}
