using CsCheck;
using FluentAssertions;
using TraceGate.Cli.Hosts;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;
using Check = TraceGate.Core.Model.Check;

namespace TraceGate.Tests.Properties;

/// <summary>
/// Whatever text a PR, a commit or a span carries, what TraceGate prints or posts never starts a GitHub workflow
/// command or an Azure logging command, never holds raw HTML or a pinging @mention, and stays within its size.
/// </summary>
public sealed class InertOutputProperties
{
    private static readonly string[] Nasty =
    [
        "::set-output name=conclusion::success", "::add-mask::x", "::stop-commands::tok", "::error file=a,line=1::boom", "::",
        "%0A::warning::smuggled", "%0D%0A", "%25", "##vso[task.complete result=Succeeded;]", "##vso[task.setvariable variable=x]y", "##[error]x",
        "\n", "\r\n", "\r", "\u2028", "\u2029", "\u0085", "\u202E", "\u2066", "\t", "\0", "<script>alert(1)</script>", "<img src=x onerror=y>",
        "@octocat", "@acme/admins", "${{ secrets.GITHUB_TOKEN }}", "$(rm -rf /)", "`", "|", ";", "]", "[x](javascript:alert(1))", "<!--", "-->",
    ];

    private static readonly Gen<string> Hostile =
        Gen.Frequency((3, (IGen<string>)Gen.String), (4, Gen.OneOf(Nasty))).Array[0, 10].Select(string.Concat);

    /// <summary>A report whose every text is <paramref name="text"/>, ids included: a report read back from a fork's
    /// artifact carries whatever ids its writer chose, so check ids, field names, stat names, budgets, trace and span
    /// ids and locations must be as inert as messages (they were printed raw until this property varied them).</summary>
    private static Report ReportOf(string text) => new(
        Conclusion.Failure,
        [
            new Check("evidence.rollback", Outcome.Fail, text) { Hint = text, Details = [text], Offenders = [new Offender("0af7651916cd43dd8448eb211c80319c", "00f067aa0ba902b7", text, text)] },
            new Check(text, Outcome.Fail, text)
            {
                Location = new SourceLocation(text, 3),
                Offenders = [new Offender(text, text, text, text)],
                Stats = [new StatRow(text, 1e6, 2e6, text, false), new StatRow(text, 3, 3, text, true) { IsDuration = false }],
            },
            new Check("traces.r", Outcome.Warn, text) { Location = new SourceLocation(".tracegate.yml", 3) },
        ],
        new Dictionary<string, EvidenceValue>
        {
            ["incident"] = new("incident", text, EvidenceSource.PrBody, 1) { Url = "https://x.example/" },
            [text] = new(text, text, EvidenceSource.Trailer, 1) { TraceId = text, Commit = 0 },
        },
        [new ChecklistItem(text, false, 2)],
        [new Trailer("INC", text, 0, 3)])
    {
        FieldOrder = ["incident", text, text + "-missing"],
        PolicyDescription = text,
        Links = new Dictionary<string, string> { [text] = "https://t.example/" + text + "/{value}" },
        TraceLink = "https://t.example/{value}" + text,
    };

    private static void NoCommandStarts(string output, bool ownCommandsAllowed)
    {
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimStart();
            if (ownCommandsAllowed && line.StartsWith("::", StringComparison.Ordinal))
            {
                line.Should().MatchRegex(@"^::(error|warning) (file=[^,:\r]*,line=\d+,)?title=TraceGate [a-z0-9.\[\]-]+::[^\r]*$", "only TraceGate's own annotation, whole on one line");
                continue;
            }

            if (ownCommandsAllowed && line.StartsWith("##vso[", StringComparison.Ordinal))
            {
                line.IndexOf("##vso[", 1, StringComparison.Ordinal).Should().Be(-1);
                continue;
            }

            line.Should().NotStartWith("::");
            line.Should().NotContain("##vso[").And.NotContain("##[");
        }
    }

    [Fact]
    public void ConsoleReport_NeverStartsACommand()
    {
        Hostile.Sample(text => NoCommandStarts(ConsoleReport.Render(ReportOf(text), color: false), ownCommandsAllowed: false), iter: 2000);
    }

    [Fact]
    public void MarkdownReport_HasNoHtmlMentionOrCommand()
    {
        Hostile.Sample(text =>
        {
            var md = MarkdownReport.Render(ReportOf(text));
            NoCommandStarts(md, ownCommandsAllowed: false);
            // Code spans show their content literally (and Untrusted.Code keeps them from closing early): check the rest.
            // A backtick escaped in Markdown text (\`) opens no code span (CommonMark 6.1): it is not stripped.
            var outsideCode = System.Text.RegularExpressions.Regex.Replace(md, "(?<!\\\\)`[^`\n]*`", "");
            outsideCode.Should().NotContain("<script").And.NotContain("<img").And.NotContain("<!--").And.NotContain("@octocat").And.NotContain("@acme/admins").And.NotContain("](javascript");
        }, iter: 2000);
    }

    [Fact]
    public void WorkflowCommandAnnotations_StayOneWholeCommand()
    {
        Hostile.Sample(text =>
        {
            var check = new Check("traces.r", Outcome.Fail, text) { Location = new SourceLocation(text.Length > 0 ? ".tracegate.yml" : "p", 3) };
            var line = WorkflowCommands.Annotation(check);
            line.Should().NotContain("\n").And.NotContain("\r");
            NoCommandStarts(line, ownCommandsAllowed: true);

            // A hostile id and path stay inside their properties: neither ',' nor ':' nor a line break gets through.
            var hostile = WorkflowCommands.Annotation(new Check("traces." + text, Outcome.Fail, text) { Location = new SourceLocation(text, 3) });
            hostile.Should().MatchRegex(@"^::error file=[^,:\r\n]*,line=3,title=TraceGate traces\.[^,:\r\n]*::[^\r\n]*$");
            hostile.Should().NotContain("##vso[").And.NotContain("##[");
        }, iter: 2000);
    }

    [Fact]
    public void AzureLoggingCommands_StayOneWholeCommand()
    {
        Hostile.Sample(text =>
        {
            var check = new Check("traces.r", Outcome.Fail, text) { Location = new SourceLocation("pol;icy].yml", 3) };
            var hostileId = new Check("traces." + text, Outcome.Fail, text) { Location = new SourceLocation("pol;icy].yml" + text, 3) };
            foreach (var line in new[] { LoggingCommands.LogIssue(check), LoggingCommands.LogIssue(hostileId), LoggingCommands.Warning(text), LoggingCommands.Complete(false, text), LoggingCommands.SetOutput("conclusion", text) })
            {
                line.Should().NotContain("\n").And.NotContain("\r");
                line.IndexOf("##vso[", 1, StringComparison.Ordinal).Should().Be(-1, line);
                // Properties cannot be closed early by ';' or ']' from the input.
                line[..(line.IndexOf(']', StringComparison.Ordinal) + 1)].Should().NotContain("icy]");
            }
        }, iter: 2000);
    }

    [Fact]
    public void MarkdownReport_NeverExceedsTheLimit()
    {
        Gen.Select(Gen.Int[0, 400], Gen.Int[0, 60], Gen.Int[1, 3000]).Sample((checks, details, size) =>
        {
            var report = new Report(Conclusion.Failure,
                Enumerable.Range(0, checks).Select(i => new Check($"c{i}", (Outcome)(i % 4), new string('m', size))
                {
                    Details = Enumerable.Range(0, details).Select(_ => new string('d', size / 3)).ToList(),
                }).ToList(),
                new Dictionary<string, EvidenceValue>(), [], []);
            MarkdownReport.Render(report).Length.Should().BeLessThanOrEqualTo(MarkdownReport.GitHubCheckRunLimit);
        }, iter: 60);
    }
}
