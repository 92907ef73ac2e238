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

    public static string Render(Report report, int limit = GitHubCheckRunLimit)
    {
        foreach (var level in Enum.GetValues<Detail>())
        {
            var text = RenderAt(report, level);
            if (text.Length <= limit)
            {
                return text;
            }
        }

        const string cut = "\n\n_Report cut to fit the size limit. The JSON report has every check._\n";
        var last = RenderAt(report, Detail.VerdictOnly);
        return last[..Math.Max(0, limit - cut.Length)] + cut;
    }

    private static string RenderAt(Report report, Detail level)
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

        var failing = report.Checks.Where(c => c.Outcome == Outcome.Fail).ToList();
        if (failing.Count > 0)
        {
            md.Append("### Failing checks\n\n");
            foreach (var check in failing)
            {
                AppendCheck(md, check, "❌", level, TraceLink(report));
            }

            md.Append('\n');
        }

        var undecided = report.Checks.Where(c => c.Outcome == Outcome.Inconclusive).ToList();
        if (undecided.Count > 0 && level != Detail.VerdictOnly)
        {
            md.Append("### Inconclusive\n\n");
            foreach (var check in undecided)
            {
                AppendCheck(md, check, "❔", level, TraceLink(report));
            }

            md.Append('\n');
        }

        var warnings = report.Checks.Where(c => c.Outcome == Outcome.Warn).ToList();
        if (warnings.Count > 0 && level != Detail.VerdictOnly)
        {
            md.Append("### Warnings\n\n");
            foreach (var check in warnings)
            {
                AppendCheck(md, check, "⚠️", level, TraceLink(report));
            }

            md.Append('\n');
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

    private static void AppendCheck(StringBuilder md, Check check, string icon, Detail level, string? traceLink)
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
        foreach (var o in check.Offenders.Take(level == Detail.ShortDetails ? 3 : 10))
        {
            string trace = Untrusted.Code(o.TraceId);
            string link = LinkFrom(traceLink, o.TraceId) is { } url ? $"[{trace}]({url})" : trace;
            md.Append($"  - trace {link} span {Untrusted.Code(o.SpanId)} {Untrusted.Code(o.SpanName, 80)}: {Untrusted.Markdown(o.Problem, 300)}\n");
        }

        if (check.Offenders.Count > 10)
        {
            md.Append($"  - _and {check.Offenders.Count - 10} more offenders in the JSON report_\n");
        }

        foreach (var detail in check.Details.Take(max))
        {
            md.Append($"  - {Untrusted.Markdown(detail, 500)}\n");
        }

        if (check.Details.Count > max)
        {
            md.Append($"  - _and {check.Details.Count - max} more_\n");
        }
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

    private static string Icon(Outcome o) => o switch
    {
        Outcome.Pass => "✅",
        Outcome.Fail => "❌",
        Outcome.Warn => "⚠️",
        Outcome.Inconclusive => "❔",
        _ => "➖",
    };
}
