using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TraceGate.Core.Model;

namespace TraceGate.Core.Rendering;

/// <summary>
/// The JSON report, written with <see cref="Utf8JsonWriter"/> (no reflection, so trimming and AOT stay clean).
/// Member names and values are the public contract described in the README.
/// </summary>
public static class JsonReport
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = SafeEncoder(),
    };

    /// <summary>Escapes what the default encoder does (&lt;, &gt;, &amp;, quotes, non-ASCII) and '#' too: a report
    /// printed to a pipeline log (cat report.json) must not hold a literal <c>##vso[</c> command.</summary>
    private static JavaScriptEncoder SafeEncoder()
    {
        var settings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.BasicLatin);
        settings.ForbidCharacter('#');
        return JavaScriptEncoder.Create(settings);
    }

    public static string Render(Report report) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("conclusion", report.Conclusion.Name());
        if (report.Tool is { } tool)
        {
            w.WriteStartObject("tool");
            w.WriteString("name", tool.Name);
            w.WriteString("version", tool.Version);
            w.WriteEndObject();
        }

        w.WriteStartObject("policy");
        w.WriteString("source", report.PolicyIsDefault ? "defaults" : report.PolicyDescription);
        w.WriteBoolean("defaults", report.PolicyIsDefault);
        // What the Markdown report needs besides the evidence found: every field in order (the missing and
        // not-given rows) and the link templates, so a report read back renders as the live one did.
        w.WriteStartArray("fields");
        foreach (var field in report.FieldOrder)
        {
            w.WriteStringValue(field);
        }

        w.WriteEndArray();
        if (report.Links.Count > 0)
        {
            w.WriteStartObject("links");
            foreach (var field in report.FieldOrder.Where(report.Links.ContainsKey).Concat(report.Links.Keys.Where(k => !report.FieldOrder.Contains(k))))
            {
                w.WriteString(field, report.Links[field]);
            }

            w.WriteEndObject();
        }

        if (report.TraceLink is { } traceLink)
        {
            w.WriteString("traceLink", traceLink);
        }

        w.WriteEndObject();
        w.WritePropertyName("checks");
        WriteChecks(w, report.Checks);
        WriteEvidenceMembers(w, report);
        if (report.Proof is { } proof)
        {
            w.WriteStartObject("proof");
            if (proof.Baseline is { } before)
            {
                WriteProofSide(w, "baseline", before);
            }

            if (proof.Head is { } after)
            {
                WriteProofSide(w, "head", after);
            }

            if (proof.Repeat is { } repeat)
            {
                w.WriteNumber("repeat", repeat);
            }

            if (proof.Rules.Count > 0)
            {
                w.WriteStartArray("rules");
                foreach (var rule in proof.Rules)
                {
                    w.WriteStartObject();
                    w.WriteString("rule", rule.Rule);
                    w.WriteString("outcome", OutcomeName(rule.Outcome));
                    WriteRuleSide(w, "baseline", rule.Baseline);
                    WriteRuleSide(w, "head", rule.Head);
                    if (rule.Incident is { } onIncident)
                    {
                        WriteRuleSide(w, "incident", onIncident);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (proof.Incident is { } incident)
            {
                w.WriteStartObject("incident");
                w.WriteString("outcome", OutcomeName(incident.Outcome));
                Nullable(w, "traceId", incident.TraceId);
                Nullable(w, "source", incident.Source);
                w.WriteNumber("spans", incident.Spans);
                w.WriteString("message", incident.Message);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    });

    private static string OutcomeName(Outcome o) => o.Name();

    /// <summary>A proving rule on one side: null when that side was not judged.</summary>
    private static void WriteRuleSide(Utf8JsonWriter w, string name, RuleSide? side)
    {
        if (side is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WriteBoolean("held", side.Held);
        w.WriteNumber("spans", side.Spans);
        w.WriteNumber("failedSpans", side.FailedSpans);
        w.WriteString("message", side.Message);
        w.WritePropertyName("groups");
        WriteGroups(w, side.Groups);
        w.WriteStartArray("timeline");
        foreach (var span in side.Timeline)
        {
            w.WriteStartObject();
            WriteSpanRef(w, span.TraceId, span.SpanId, span.Name);
            w.WriteNumber("startUs", Math.Round(span.StartMicros, 3));
            w.WriteNumber("endUs", Math.Round(span.EndMicros, 3));
            w.WriteStartArray("events");
            foreach (var e in span.Events)
            {
                w.WriteStartObject();
                w.WriteString("name", e.Name);
                w.WriteNumber("atUs", Math.Round(e.AtMicros, 3));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteGroups(Utf8JsonWriter w, IReadOnlyList<OffenderGroup> groups)
    {
        w.WriteStartArray();
        foreach (var g in groups)
        {
            w.WriteStartObject();
            w.WriteString("problem", g.Problem);
            w.WriteNumber("spans", g.Spans);
            w.WriteStartArray("examples");
            foreach (var o in g.Examples)
            {
                w.WriteStartObject();
                WriteSpanRef(w, o.TraceId, o.SpanId, o.SpanName);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>The span a line of the report points at: an offender, a group's example, a timeline span.</summary>
    private static void WriteSpanRef(Utf8JsonWriter w, string traceId, string spanId, string span)
    {
        w.WriteString("traceId", traceId);
        w.WriteString("spanId", spanId);
        w.WriteString("span", span);
    }

    private static void WriteProofSide(Utf8JsonWriter w, string name, ProofSide side)
    {
        w.WriteStartObject(name);
        Nullable(w, "commit", side.Commit);
        if (side.ExitCode is { } code)
        {
            w.WriteNumber("exitCode", code);
        }
        else
        {
            w.WriteNull("exitCode");
        }

        if (side.Spans is { } spans)
        {
            w.WriteNumber("spans", spans);
        }
        else
        {
            w.WriteNull("spans");
        }

        w.WriteString("repro", side.Repro.ToWire());
        Nullable(w, "message", side.Message);
        w.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>What <c>tracegate evidence</c> prints: the evidence, checklist and trailers members.</summary>
    public static string RenderEvidence(Report report) => Write(w =>
    {
        w.WriteStartObject();
        WriteEvidenceMembers(w, report);
        w.WriteEndObject();
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            body(w);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteChecks(Utf8JsonWriter w, IReadOnlyList<Check> checks)
    {
        w.WriteStartArray();
        foreach (var c in checks)
        {
            w.WriteStartObject();
            w.WriteString("id", c.Id);
            w.WriteString("outcome", c.Outcome.Name());
            w.WriteString("message", c.Message);
            if (c.Hint is not null)
            {
                w.WriteString("hint", c.Hint);
            }

            if (c.Location is { } loc)
            {
                w.WriteStartObject("location");
                w.WriteString("path", loc.Path);
                w.WriteNumber("line", loc.Line);
                w.WriteEndObject();
            }

            if (c.Spans is { } spans)
            {
                w.WriteNumber("spans", spans);
            }

            if (c.Stats.Count > 0)
            {
                w.WriteStartArray("stats");
                foreach (var row in c.Stats)
                {
                    w.WriteStartObject();
                    w.WriteString("stat", row.Stat);
                    w.WriteString("unit", row.IsDuration ? "ns" : "spans");
                    w.WriteNumber("value", Math.Round(row.After));
                    if (row.Before is { } before)
                    {
                        w.WriteNumber("baseline", Math.Round(before));
                    }

                    if (row.Budget is { } budget)
                    {
                        w.WriteString("budget", budget);
                    }

                    w.WriteBoolean("ok", row.Ok);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (c.Quantiles.Count > 0)
            {
                WriteQuantiles(w, c.Quantiles);
            }

            if (c.Offenders.Count > 0)
            {
                w.WriteStartArray("offenders");
                foreach (var o in c.Offenders)
                {
                    w.WriteStartObject();
                    WriteSpanRef(w, o.TraceId, o.SpanId, o.SpanName);
                    w.WriteString("problem", o.Problem);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (c.Groups.Count > 0)
            {
                w.WritePropertyName("groups");
                WriteGroups(w, c.Groups);
            }

            if (c.Details.Count > 0)
            {
                w.WriteStartArray("details");
                foreach (var d in c.Details)
                {
                    w.WriteStringValue(d);
                }

                w.WriteEndArray();
            }

            if (c.Repro is { } repro)
            {
                WriteRepro(w, repro);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Both sides' quantiles of each failing or warning baseline budget, in nanoseconds.</summary>
    private static void WriteQuantiles(Utf8JsonWriter w, IReadOnlyList<QuantileComparison> quantiles)
    {
        w.WriteStartArray("quantiles");
        foreach (var q in quantiles)
        {
            w.WriteStartObject();
            w.WriteString("stat", q.Stat);
            w.WriteString("unit", "ns");
            w.WriteNumber("baselineSpans", q.BaselineSpans);
            w.WriteNumber("headSpans", q.HeadSpans);
            w.WriteStartArray("points");
            foreach (var p in q.Points)
            {
                w.WriteStartObject();
                w.WriteNumber("p", p.Percentile);
                w.WriteNumber("baseline", Math.Round(p.Baseline));
                w.WriteNumber("head", Math.Round(p.Head));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteRepro(Utf8JsonWriter w, ReproRun repro)
    {
        w.WriteStartObject("repro");
        w.WriteString("ref", repro.Reference);
        w.WriteString("outcome", repro.Outcome);
        w.WriteStartArray("cases");
        foreach (var c in repro.Cases)
        {
            w.WriteStartObject();
            w.WriteString("file", c.File);
            w.WriteNumber("line", c.Line);
            w.WriteString("name", c.Name);
            w.WriteString("outcome", c.Outcome);
            w.WriteNumber("attempts", c.Attempts);
            if (c.Reason is not null)
            {
                w.WriteString("reason", c.Reason);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteEvidenceMembers(Utf8JsonWriter w, Report report)
    {
        w.WriteStartObject("evidence");
        foreach (var field in report.FieldOrder)
        {
            if (!report.Evidence.TryGetValue(field, out var v))
            {
                continue;
            }

            w.WriteStartObject(field);
            w.WriteString("value", v.Value);
            w.WriteString("source", v.Source.ToWire());
            if (v.Label is { } label)
            {
                // A label has no line: it names the label instead.
                w.WriteString("label", label);
            }
            else
            {
                w.WriteNumber("line", v.Line);
            }

            if (v.Commit is { } commit)
            {
                w.WriteNumber("commit", commit);
            }

            if (v.TraceId is { } traceId)
            {
                w.WriteString("traceId", traceId);
            }

            if (MarkdownReport.LinkFor(report, v) is { } url)
            {
                w.WriteString("url", url);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartObject("checklist");
        w.WriteNumber("checked", report.Checklist.Count(c => c.Checked));
        w.WriteNumber("total", report.Checklist.Count);
        w.WriteStartArray("items");
        foreach (var item in report.Checklist)
        {
            w.WriteStartObject();
            w.WriteString("text", item.Text);
            w.WriteBoolean("checked", item.Checked);
            w.WriteNumber("line", item.Line);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("trailers");
        foreach (var t in report.Trailers)
        {
            w.WriteStartObject();
            w.WriteString("key", t.Key);
            w.WriteString("value", t.Value);
            w.WriteNumber("commit", t.Commit);
            w.WriteNumber("line", t.Line);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
