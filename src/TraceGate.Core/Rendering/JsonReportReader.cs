using System.Text.Json;
using TraceGate.Core.Model;

namespace TraceGate.Core.Rendering;

/// <summary>
/// Reads a JSON report back into a <see cref="Report"/>: the publish step of the fork workflow renders the verdict
/// that the evaluate step computed. The report came from an untrusted run, so it is parsed defensively and every
/// text is escaped again when rendered.
/// </summary>
public static partial class JsonReportReader
{
    public static Report Read(string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        var root = doc.RootElement;
        var checks = new List<Check>();
        foreach (var c in Array(root, "checks"))
        {
            var outcome = Str(c, "outcome") switch
            {
                "pass" => Outcome.Pass,
                "fail" => Outcome.Fail,
                "warn" => Outcome.Warn,
                "skip" => Outcome.Skip,
                var other => throw new JsonException($"check outcome '{other}' is not pass, fail, warn or skip"),
            };
            checks.Add(new Check(Str(c, "id") ?? "", outcome, Str(c, "message") ?? "")
            {
                Hint = Str(c, "hint"),
                Location = c.TryGetProperty("location", out var l) && l.ValueKind == JsonValueKind.Object
                    ? new SourceLocation(Str(l, "path") ?? "", l.TryGetProperty("line", out var line) && line.TryGetInt32(out int n) ? n : 1)
                    : null,
                Details = Array(c, "details").Select(d => d.ValueKind == JsonValueKind.String ? d.GetString()! : "").ToList(),
                Offenders = Array(c, "offenders").Select(o => new Offender(Str(o, "traceId") ?? "", Str(o, "spanId") ?? "", Str(o, "span") ?? "", Str(o, "problem") ?? "")).ToList(),
                Stats = Array(c, "stats").Select(s => new StatRow(Str(s, "stat") ?? "", Num(s, "value") ?? 0, Num(s, "baseline"), Str(s, "budget"),
                    s.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True) { IsDuration = Str(s, "unit") == "ns" }).ToList(),
                Spans = c.TryGetProperty("spans", out var sp) && sp.TryGetInt64(out long spans) ? spans : null,
            });
        }

        var evidence = new Dictionary<string, EvidenceValue>(StringComparer.Ordinal);
        var order = new List<string>();
        if (root.TryGetProperty("evidence", out var ev) && ev.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in ev.EnumerateObject())
            {
                order.Add(field.Name);
                var v = field.Value;
                evidence[field.Name] = new EvidenceValue(field.Name, Str(v, "value") ?? "", Str(v, "source") switch { "trailer" => EvidenceSource.Trailer, "label" => EvidenceSource.Label, _ => EvidenceSource.PrBody },
                    v.TryGetProperty("line", out var ln) && ln.TryGetInt32(out int line) ? line : 0)
                {
                    Url = Str(v, "url") is { } u && (u.StartsWith("https://", StringComparison.Ordinal) || u.StartsWith("http://", StringComparison.Ordinal)) ? u : null,
                    TraceId = Str(v, "traceId"),
                    Label = Str(v, "label"),
                    Commit = v.TryGetProperty("commit", out var cm) && cm.TryGetInt32(out int commit) ? commit : null,
                };
            }
        }

        var checklist = root.TryGetProperty("checklist", out var cl) ? Array(cl, "items")
            .Select(i => new ChecklistItem(Str(i, "text") ?? "", i.TryGetProperty("checked", out var ck) && ck.ValueKind == JsonValueKind.True, 0)).ToList() : [];
        bool defaults = root.TryGetProperty("policy", out var p) && p.TryGetProperty("defaults", out var d) && d.ValueKind == JsonValueKind.True;
        // The conclusion is recomputed from the checks: a report cannot claim success over a failing check.
        return new Report(Report.ConclusionOf(checks), checks, evidence, checklist, [])
        {
            FieldOrder = order,
            PolicyIsDefault = defaults,
            PolicyDescription = root.TryGetProperty("policy", out var pol) ? Str(pol, "source") ?? "" : "",
            Tool = ReadTool(root),
            Proof = root.TryGetProperty("proof", out var proof) && proof.ValueKind == JsonValueKind.Object
                ? new ProofSummary(ProofSideOf(proof, "baseline"), ProofSideOf(proof, "head"))
                : null,
        };
    }

    private static ProofSide ProofSideOf(JsonElement proof, string name)
    {
        var side = proof.TryGetProperty(name, out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        string? repro = Str(side, "repro");
        return new ProofSide(Str(side, "commit"),
            side.ValueKind == JsonValueKind.Object && side.TryGetProperty("exitCode", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int code) ? code : null,
            side.ValueKind == JsonValueKind.Object && side.TryGetProperty("spans", out var sp) && sp.ValueKind == JsonValueKind.Number && sp.TryGetInt64(out long spans) ? spans : null,
            ReproOutcomeNames.FromWire(repro) ?? throw new JsonException($"proof.{name}.repro '{repro}' is not failed, passed, errored, skipped, missing or no-results"))
        {
            Message = Str(side, "message"),
        };
    }

    /// <summary>The tool that wrote the report. It came from an untrusted run: a name and version that are not plain
    /// tokens are dropped rather than rendered.</summary>
    private static ToolInfo? ReadTool(JsonElement root)
    {
        if (!root.TryGetProperty("tool", out var t) || Str(t, "name") is not { } name || Str(t, "version") is not { } version)
        {
            return null;
        }

        return PlainToken().IsMatch(name) && PlainToken().IsMatch(version) ? new ToolInfo(name, version) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.+-]{0,63}$")]
    private static partial System.Text.RegularExpressions.Regex PlainToken();

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.TryGetDouble(out double d) ? d : null;
}
