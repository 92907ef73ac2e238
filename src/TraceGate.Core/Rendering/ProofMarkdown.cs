using System.Globalization;
using System.Text;
using TraceGate.Core.Model;

namespace TraceGate.Core.Rendering;

/// <summary>
/// The Markdown report's Proof section: per proving rule a before/after table (spans selected, spans that broke the
/// rule, what was wrong, grouped, with linked examples), and where Mermaid renders a <c>gantt</c> of one trace before
/// and after the fix, events as milestones. Span and event names are untrusted: in the diagram they keep only
/// letters, digits and <c>_ . / -</c>, so nothing can close the code block, start a Mermaid directive or a click.
/// </summary>
public static class ProofMarkdown
{
    public const int MaxDiagramSpans = 12;
    public const int MaxDiagramEvents = 8;

    public static void Append(StringBuilder md, Report report, ProofSummary proof, string? traceLink, bool mermaid, int examples)
    {
        md.Append("### Proof: the traces before and after the fix\n\n");
        if (proof.Repeat is { } repeat)
        {
            // The same job's runs, so both samples share the runner's noise (README: Same-job baselines).
            md.Append(repeat == 1
                ? "Base and head ran back to back in this job (`tracegate prove`), 1 run each.\n\n"
                : $"Base and head interleaved in this job (`tracegate prove --repeat {repeat}`: base, head, base, head …), {repeat} runs each; each side's traces are pooled.\n\n");
        }

        if (proof.Incident is { } incident)
        {
            md.Append($"{MarkdownReport.Icon(incident.Outcome)} **proof.incident**: {Untrusted.Markdown(incident.Message, 600)}\n\n");
        }

        foreach (var rule in proof.Rules)
        {
            md.Append($"#### {MarkdownReport.Icon(rule.Outcome)} {Untrusted.Code("proof." + rule.Rule, 100)}\n\n");
            md.Append("| | Spans | Broke the rule | What was wrong |\n|---|---|---|---|\n");
            Row(md, "before the fix", rule.Baseline, traceLink, examples);
            Row(md, "after the fix", rule.Head, traceLink, examples);
            if (rule.Incident is not null)
            {
                Row(md, "incident trace", rule.Incident, traceLink, examples);
            }

            md.Append('\n');
            if (mermaid && (rule.Baseline?.Timeline.Count > 0 || rule.Head?.Timeline.Count > 0))
            {
                Gantt(md, rule);
            }
        }
    }

    private static void Row(StringBuilder md, string side, RuleSide? s, string? traceLink, int examples)
    {
        if (s is null)
        {
            md.Append($"| {side} | | | _not judged_ |\n");
            return;
        }

        string what = s.Groups.Count == 0
            ? (s.Held ? "✅ holds" : Untrusted.Markdown(s.Message, 300))
            : string.Join("<br>", s.Groups.Take(3).Select(g => MarkdownReport.GroupLine(g, traceLink, examples)))
              + (s.Groups.Count > 3 ? $"<br>_and {s.Groups.Count - 3} more kinds_" : "");
        md.Append($"| {side} | {s.Spans.ToString(CultureInfo.InvariantCulture)} | {s.FailedSpans.ToString(CultureInfo.InvariantCulture)} | {what} |\n");
    }

    /// <summary>
    /// One trace per side, microseconds from the trace's first start. <c>dateFormat x</c> reads the numbers as
    /// milliseconds since 1970 and <c>axisFormat %Q</c> prints them back as the same number, so the axis counts the
    /// microseconds (the title says so) without a date in sight.
    /// </summary>
    private static void Gantt(StringBuilder md, RuleProof rule)
    {
        md.Append("```mermaid\ngantt\n");
        md.Append($"    title proof.{Untrusted.Mermaid(rule.Rule, 60)}: one trace before and after the fix (µs from its start)\n");
        md.Append("    dateFormat x\n    axisFormat %Q\n");
        Section(md, "before the fix", rule.Baseline);
        Section(md, "after the fix", rule.Head);
        md.Append("```\n\n");
    }

    private static void Section(StringBuilder md, string title, RuleSide? side)
    {
        if (side is not { Timeline.Count: > 0 })
        {
            return;
        }

        // The trace id was read as 32 hex digits (live or from a report's contract): nothing to escape.
        md.Append($"    section {title} (trace {side.Timeline[0].TraceId[..8]})\n");
        foreach (var span in side.Timeline.Take(MaxDiagramSpans))
        {
            long start = (long)Math.Round(span.StartMicros), end = Math.Max(start + 1, (long)Math.Round(span.EndMicros));
            md.Append($"    {Safe(span.Name, 40)} :{start}, {end}\n");
            foreach (var e in span.Events.Take(MaxDiagramEvents))
            {
                long at = (long)Math.Round(e.AtMicros);
                md.Append($"    {Safe(e.Name, 40)} :milestone, {at}, {at}\n");
            }
        }
    }

    /// <summary>Text that Mermaid reads as a name and nothing else (<see cref="Untrusted.Mermaid"/>).</summary>
    internal static string Safe(string text, int max)
    {
        string s = Untrusted.Mermaid(text, max);
        // A leading keyword would be read as a directive (section, title, click, …): a prefix keeps it a name.
        return s.Length == 0 ? "_" : "· " + s;
    }
}
