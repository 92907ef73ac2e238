using System.Text;
using TraceGate.Core.Model;
using TraceGate.Core.Rules;

namespace TraceGate.Core.Rendering;

/// <summary>
/// The Markdown report: verdict first, then the evidence table with links, then each failing check with what to
/// write and where, then every check. It becomes the check-run summary (65,535 characters) and the step summary
/// (1 MiB), so it shrinks in visible steps until it fits.
/// </summary>
public static class MarkdownReport
{
    public const int GitHubCheckRunLimit = 65_535;

    private enum Detail
    {
        Full,
        NoPassingRows,
        ShortDetails,
        VerdictOnly,
    }

    /// <param name="mermaid">Draw the proof's before/after picture as a Mermaid gantt chart and each failing or
    /// warning baseline budget's quantiles as a Mermaid xychart: only where Mermaid renders (GitHub step summaries and
    /// PR comments; not check-run summaries, not Azure DevOps PR threads, which show the code): see the README's
    /// Markdown section. Without it, the proof's plain table and a text sparkline of the quantiles.</param>
    public static string Render(Report report, int limit = GitHubCheckRunLimit, bool mermaid = false)
    {
        foreach (var level in Enum.GetValues<Detail>())
        {
            var text = RenderAt(report, level, mermaid);
            if (text.Length <= limit)
            {
                return text;
            }
        }

        const string cut = "\n\n_Report cut to fit the size limit. The JSON report has every check._\n";
        var last = RenderAt(report, Detail.VerdictOnly, false);
        return last[..Math.Max(0, limit - cut.Length)] + cut;
    }

    private static string RenderAt(Report report, Detail level, bool mermaid)
    {
        var md = new StringBuilder();
        int failed = report.Failed, warned = report.Warned, inconclusive = report.Inconclusive;
        md.Append(report.Conclusion switch
        {
            Conclusion.Success => "## ✅ TraceGate: passed",
            Conclusion.Inconclusive => $"## ❔ TraceGate: inconclusive ({inconclusive} {(inconclusive == 1 ? "check" : "checks")} could not be judged, none failed)",
            _ => $"## ❌ TraceGate: {failed} {(failed == 1 ? "check" : "checks")} failed",
        }).Append("\n\n");
        int passed = report.Checks.Count(c => c.Outcome == Outcome.Pass);
        md.Append($"{report.Checks.Count} checks: {passed} passed, {failed} failed, {warned} {(warned == 1 ? "warning" : "warnings")}")
          .Append(inconclusive > 0 ? $", {inconclusive} inconclusive. " : ". ");
        md.Append(report.PolicyIsDefault ? "No policy file: the default policy was used." : $"Policy: {Untrusted.Code(report.PolicyDescription)}.");
        md.Append("\n\n");

        if (level != Detail.VerdictOnly && report.FieldOrder.Count > 0)
        {
            md.Append("| Evidence | Value | Source |\n|---|---|---|\n");
            foreach (var field in report.FieldOrder)
            {
                if (!report.Evidence.TryGetValue(field, out var v))
                {
                    bool isFailing = report.Checks.Any(c => c.Id == "evidence." + field && c.Outcome == Outcome.Fail);
                    md.Append($"| {Untrusted.Markdown(field, 40)} | {(isFailing ? "_missing_" : "_not given_")} | |\n");
                    continue;
                }

                md.Append($"| {Untrusted.Markdown(field, 40)} | {ValueCell(report, v)} | {SourceCell(v)} |\n");
            }

            if (report.Checklist.Count > 0)
            {
                md.Append($"| checklist | {report.Checklist.Count(c => c.Checked)} of {report.Checklist.Count} checked | PR description |\n");
            }

            md.Append('\n');
        }

        if (level != Detail.VerdictOnly && report.Proof is { Rules.Count: > 0 } proof)
        {
            ProofMarkdown.Append(md, report, proof, TraceLink(report), mermaid && level == Detail.Full, level == Detail.ShortDetails ? 1 : RuleRunExamples);
        }

        var traceRules = report.Checks.Where(c => c.Stats.Count > 0).ToList();
        if (traceRules.Count > 0 && level != Detail.VerdictOnly)
        {
            md.Append("### Timing: this run against the baseline\n\n| Rule | Stat | Baseline | This run | Change | Budget | |\n|---|---|---|---|---|---|---|\n");
            foreach (var check in traceRules)
            {
                foreach (var row in check.Stats)
                {
                    string Fmt(double v) => row.IsDuration ? Quantities.FormatNanos(v) : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    string change = row.Before is { } b && b != 0 && row.IsDuration
                        ? ((row.After - b) / b * 100).ToString("+0.#;-0.#;0", System.Globalization.CultureInfo.InvariantCulture) + "%"
                        : "";
                    md.Append($"| {Untrusted.Code(check.Id, 100)} | {Untrusted.Markdown(row.Stat, 20)} | {(row.Before is { } before ? Fmt(before) : "")} | {Fmt(row.After)} | {change} | {Untrusted.Markdown(row.Budget ?? "", 100)} | {(row.Ok ? "✅" : "❌")} |\n");
                }
            }

            md.Append('\n');
        }

        // Failing checks show at every level, even the verdict-only summary; inconclusive ones and warnings only
        // with details.
        AppendChecksOf(md, report, Outcome.Fail, "Failing checks", "❌", level, mermaid);
        if (level != Detail.VerdictOnly)
        {
            AppendChecksOf(md, report, Outcome.Inconclusive, "Inconclusive", "❔", level, mermaid);
            AppendChecksOf(md, report, Outcome.Warn, "Warnings", "⚠️", level, mermaid);
        }

        if (level == Detail.Full)
        {
            md.Append("### All checks\n\n| | Check | Result |\n|---|---|---|\n");
            foreach (var check in report.Checks)
            {
                md.Append($"| {Icon(check.Outcome)} | {Untrusted.Code(check.Id, 100)} | {Untrusted.Markdown(check.Message, 500)} |\n");
            }

            md.Append('\n');
        }
        else
        {
            md.Append(level switch
            {
                Detail.NoPassingRows => "_Report shortened to fit the size limit: the table of all checks is left out. The JSON report has every check._\n",
                Detail.ShortDetails => "_Report shortened to fit the size limit: the table of all checks is left out and details are cut to 5 lines per check. The JSON report has every check._\n",
                _ => "_Report shortened to fit the size limit: only the verdict and failing checks are shown. The JSON report has every check._\n",
            });
        }

        // The footer names the version that computed the verdict, so a check run can be traced to a release.
        if (report.Tool is { } tool)
        {
            if (md.Length < 2 || md[^1] != '\n' || md[^2] != '\n')
            {
                md.Append('\n');
            }

            md.Append($"_Checked by {Untrusted.Markdown(tool.Name, 64)} {Untrusted.Markdown(tool.Version, 64)}._\n");
        }

        return md.ToString();
    }

    /// <summary>A section of the checks with one outcome, under its heading; nothing when there are none.</summary>
    private static void AppendChecksOf(StringBuilder md, Report report, Outcome outcome, string heading, string icon, Detail level, bool mermaid)
    {
        var checks = report.Checks.Where(c => c.Outcome == outcome).ToList();
        if (checks.Count == 0)
        {
            return;
        }

        md.Append("### ").Append(heading).Append("\n\n");
        foreach (var check in checks)
        {
            AppendCheck(md, check, icon, level, TraceLink(report), mermaid);
        }

        md.Append('\n');
    }

    private static void AppendCheck(StringBuilder md, Check check, string icon, Detail level, string? traceLink, bool mermaid)
    {
        md.Append($"- {icon} **{Untrusted.Code(check.Id, 100)}**: {Untrusted.Markdown(check.Message, 1000)}\n");
        if (check.Hint is { } hint)
        {
            md.Append($"  - What to do: {Untrusted.Markdown(hint, 1000)}\n");
        }

        if (level == Detail.VerdictOnly)
        {
            return;
        }

        int max = level == Detail.ShortDetails ? 5 : 50;
        // Offenders of one kind are one line with a few linked examples, not ten near-identical lines.
        foreach (var g in check.Groups.Take(level == Detail.ShortDetails ? 3 : 10))
        {
            md.Append($"  - {GroupLine(g, traceLink, level == Detail.ShortDetails ? 1 : RuleRunExamples)}\n");
        }

        if (check.Groups.Count > 10)
        {
            md.Append($"  - _and {check.Groups.Count - 10} more kinds of problem in the JSON report_\n");
        }

        var grouped = check.Groups.Select(g => g.Problem).ToHashSet(StringComparer.Ordinal);
        var single = check.Offenders.Where(o => !grouped.Contains(o.Problem)).ToList();
        foreach (var o in single.Take(level == Detail.ShortDetails ? 3 : 10))
        {
            md.Append($"  - trace {TraceRef(o.TraceId, traceLink)} span {Untrusted.Code(o.SpanId)} {Untrusted.Code(o.SpanName, 80)}: {Untrusted.Markdown(o.Problem, 300)}\n");
        }

        if (single.Count > 10)
        {
            md.Append($"  - _and {single.Count - 10} more offenders in the JSON report_\n");
        }

        foreach (var detail in check.Details.Take(max))
        {
            md.Append($"  - {Untrusted.Markdown(detail, 500)}\n");
        }

        if (check.Details.Count > max)
        {
            md.Append($"  - _and {check.Details.Count - max} more_\n");
        }

        // The picture of each budget that failed or warned: drawn where Mermaid renders (and the report has room),
        // after the check's list item so the block is not nested; elsewhere a text sparkline.
        foreach (var q in check.Quantiles)
        {
            if (mermaid && level == Detail.Full)
            {
                md.Append('\n');
                QuantileChart.AppendMermaid(md, check.Id, q);
            }
            else
            {
                md.Append($"  - {Untrusted.Markdown(QuantileChart.Text(q), 500)}\n");
            }
        }
    }

    private const int RuleRunExamples = 3;

    /// <summary>"27 spans: events out of order: …; e.g. trace abc… span 12… apply, trace …".</summary>
    internal static string GroupLine(OffenderGroup g, string? traceLink, int examples)
    {
        string line = $"{g.Spans} {(g.Spans == 1 ? "span" : "spans")}: {Untrusted.Markdown(g.Problem, 300)}";
        var shown = g.Examples.Take(examples).Select(o => $"trace {TraceRef(o.TraceId, traceLink)} span {Untrusted.Code(o.SpanId)} {Untrusted.Code(o.SpanName, 80)}").ToList();
        return shown.Count == 0 ? line : line + " (e.g. " + string.Join(", ", shown) + ")";
    }

    internal static string TraceRef(string traceId, string? traceLink)
    {
        string trace = Untrusted.Code(traceId);
        return LinkFrom(traceLink, traceId) is { } url ? $"[{trace}]({url})" : trace;
    }

    /// <summary>The trace field's link template, so offending trace ids link to the team's trace viewer.</summary>
    private static string? TraceLink(Report report) =>
        report.Links.TryGetValue("trace", out var t) ? t : report.TraceLink;

    private static string ValueCell(Report report, EvidenceValue v)
    {
        string shown = v.TraceId is { } id ? Untrusted.Code(id) : Untrusted.Markdown(v.Value, 200);
        string? url = LinkFor(report, v);
        return url is null ? shown : $"[{shown}]({url})";
    }

    /// <summary>The link template of the field wins over a link in the PR text: it points where the team expects.</summary>
    public static string? LinkFor(Report report, EvidenceValue v)
    {
        if (report.Links.TryGetValue(v.Field, out var template))
        {
            return LinkFrom(template, v.TraceId ?? v.Value);
        }

        return Untrusted.LinkTarget(v.Url);
    }

    /// <summary>A link template filled in. The template is the policy's (the PR's, in a PR run) or a report's read
    /// back: it goes through the same link rules as a link in the PR text.</summary>
    private static string? LinkFrom(string? template, string value) =>
        template is null ? null : Untrusted.LinkTarget(template.Replace("{value}", Uri.EscapeDataString(value), StringComparison.Ordinal));

    private static string SourceCell(EvidenceValue v) => v.Source switch
    {
        EvidenceSource.PrBody => $"PR description, line {v.Line}",
        EvidenceSource.Label => "label " + Untrusted.Markdown(v.Label, 100),
        _ => $"trailer, commit {v.Commit}",
    };

    internal static string Icon(Outcome o) => o switch
    {
        Outcome.Pass => "✅",
        Outcome.Fail => "❌",
        Outcome.Warn => "⚠️",
        Outcome.Inconclusive => "❔",
        _ => "➖",
    };
}
