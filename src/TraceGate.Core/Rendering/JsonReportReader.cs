using System.Text.Json;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;

namespace TraceGate.Core.Rendering;

/// <summary>
/// Reads a JSON report back into a <see cref="Report"/>: the publish step of the fork workflow renders the verdict
/// that the evaluate step computed. The report came from a run the PR controls, so it is validated against the
/// contract (schema/report.schema.json) member by member: ids with the policy loader's rules, trace ids of 32 and
/// span ids of 16 lowercase hex digits, stats from the known list, locations relative to the checkout. Anything
/// else is a <see cref="JsonReportException"/> naming the member by its JSON path. Every text is still escaped
/// again when rendered, as for a live run.
/// </summary>
public static partial class JsonReportReader
{
    private static readonly string[] RootMembers = ["conclusion", "tool", "policy", "checks", "evidence", "checklist", "trailers", "proof"];
    private static readonly string[] ProofSideMembers = ["commit", "exitCode", "spans", "repro", "message"];
    private static readonly string[] PolicyMembers = ["source", "defaults", "fields", "links", "traceLink"];
    private static readonly string[] CheckMembers = ["id", "outcome", "message", "hint", "location", "spans", "stats", "quantiles", "offenders", "groups", "details", "repro"];
    private static readonly string[] ReproOutcomes = ["passed", "failed", "errored", "skipped", "not-run", "passed-on-retry", "not-found"];
    private static readonly string[] StatMembers = ["stat", "unit", "value", "baseline", "budget", "ok"];
    private static readonly string[] OffenderMembers = ["traceId", "spanId", "span", "problem"];
    private static readonly string[] EvidenceMembers = ["value", "source", "line", "label", "commit", "traceId", "url"];
    private static readonly string[] Stats = ["count", "p50", "p90", "p95", "p99", "min", "max", "avg"];

    /// <exception cref="JsonReportException">The text is not JSON, or breaks the contract.</exception>
    public static Report Read(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new JsonReportException("$", $"not JSON: line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}");
        }

        using (doc)
        {
            // Only the checks are required (the verdict is recomputed from them); TraceGate writes every member.
            var root = Obj(doc.RootElement, "$", RootMembers, ["checks"]);
            if (root.TryGetProperty("conclusion", out var conclusion))
            {
                Enum(conclusion, "$.conclusion", "success", "failure", "inconclusive");
            }

            var checks = Arr(root.GetProperty("checks"), "$.checks", 10_000).Select((c, i) => ReadCheck(c, $"$.checks[{i}]")).ToList();

            var pol = root.TryGetProperty("policy", out var p) ? Obj(p, "$.policy", PolicyMembers, ["source", "defaults"]) : default;
            string source = pol.ValueKind == JsonValueKind.Object ? Text(pol.GetProperty("source"), "$.policy.source", 4096) : "";
            bool defaults = pol.ValueKind == JsonValueKind.Object && Bool(pol.GetProperty("defaults"), "$.policy.defaults");
            var fields = pol.ValueKind == JsonValueKind.Object && pol.TryGetProperty("fields", out var f)
                ? Arr(f, "$.policy.fields", 200).Select((n, i) => FieldName(n, $"$.policy.fields[{i}]")).ToList()
                : null;
            var links = new Dictionary<string, string>(StringComparer.Ordinal);
            if (pol.ValueKind == JsonValueKind.Object && pol.TryGetProperty("links", out var l))
            {
                foreach (var link in Members(l, "$.policy.links", 200))
                {
                    string at = "$.policy.links." + Safe(link.Name);
                    links[FieldName(link.Name, at, isKey: true)] = LinkTemplate(link.Value, at);
                }
            }

            string? traceLink = pol.ValueKind == JsonValueKind.Object && pol.TryGetProperty("traceLink", out var tl) ? LinkTemplate(tl, "$.policy.traceLink") : null;

            var evidence = new Dictionary<string, EvidenceValue>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var field in root.TryGetProperty("evidence", out var ev) ? Members(ev, "$.evidence", 200) : [])
            {
                string at = "$.evidence." + Safe(field.Name);
                string name = FieldName(field.Name, at, isKey: true);
                order.Add(name);
                evidence[name] = ReadEvidence(name, field.Value, at);
            }

            var checklistRoot = root.TryGetProperty("checklist", out var cl) ? Obj(cl, "$.checklist", ["checked", "total", "items"], ["checked", "total", "items"]) : default;
            if (checklistRoot.ValueKind == JsonValueKind.Object)
            {
                Count(checklistRoot.GetProperty("checked"), "$.checklist.checked");
                Count(checklistRoot.GetProperty("total"), "$.checklist.total");
            }

            var checklist = (checklistRoot.ValueKind == JsonValueKind.Object ? Arr(checklistRoot.GetProperty("items"), "$.checklist.items", 10_000) : []).Select((item, i) =>
            {
                string at = $"$.checklist.items[{i}]";
                var o = Obj(item, at, ["text", "checked", "line"], ["text", "checked", "line"]);
                return new ChecklistItem(Text(o.GetProperty("text"), at + ".text"), Bool(o.GetProperty("checked"), at + ".checked"), Count(o.GetProperty("line"), at + ".line"));
            }).ToList();

            var trailers = (root.TryGetProperty("trailers", out var tr) ? Arr(tr, "$.trailers", 100_000) : []).Select((t, i) =>
            {
                string at = $"$.trailers[{i}]";
                var o = Obj(t, at, ["key", "value", "commit", "line"], ["key", "value", "commit", "line"]);
                return new Trailer(Text(o.GetProperty("key"), at + ".key"), Text(o.GetProperty("value"), at + ".value"),
                    Count(o.GetProperty("commit"), at + ".commit"), Count(o.GetProperty("line"), at + ".line"));
            }).ToList();

            // The conclusion is recomputed from the checks: a report cannot claim success over a failing check.
            return new Report(Report.ConclusionOf(checks), checks, evidence, checklist, trailers)
            {
                FieldOrder = fields ?? order,
                PolicyIsDefault = defaults,
                PolicyDescription = source,
                Links = links,
                TraceLink = traceLink,
                Tool = ReadTool(root),
                Proof = root.TryGetProperty("proof", out var proof) ? ReadProof(proof, "$.proof") : null,
            };
        }
    }

    private static ProofSummary ReadProof(JsonElement e, string at)
    {
        var o = Obj(e, at, ["baseline", "head", "repeat", "rules", "incident"], []);
        return new ProofSummary(
            o.TryGetProperty("baseline", out var b) ? ReadProofSide(b, at + ".baseline") : null,
            o.TryGetProperty("head", out var h) ? ReadProofSide(h, at + ".head") : null)
        {
            Rules = o.TryGetProperty("rules", out var r) ? Arr(r, at + ".rules", 1000).Select((x, i) => ReadRuleProof(x, $"{at}.rules[{i}]")).ToList() : [],
            Incident = o.TryGetProperty("incident", out var inc) ? ReadIncident(inc, at + ".incident") : null,
            Repeat = o.TryGetProperty("repeat", out var rp)
                ? (rp.ValueKind == JsonValueKind.Number && rp.TryGetInt32(out int n) && n is >= 1 and <= ProofSummary.MaxRepeat
                    ? n
                    : throw new JsonReportException(at + ".repeat", $"expected the runs of each side, a whole number from 1 to {ProofSummary.MaxRepeat}, found {Kind(rp)}"))
                : null,
        };
    }

    private static Outcome ReadOutcome(JsonElement e, string at) => OutcomeNames.OutcomeFromWire(Enum(e, at, "pass", "fail", "warn", "inconclusive", "skip"))!.Value;

    private static RuleProof ReadRuleProof(JsonElement e, string at)
    {
        var o = Obj(e, at, ["rule", "outcome", "baseline", "head", "incident"], ["rule", "outcome", "baseline", "head"]);
        string rule = Text(o.GetProperty("rule"), at + ".rule", 64);
        if (!PolicyIds.IsCheckId("traces." + rule))
        {
            throw new JsonReportException(at + ".rule", $"'{Show(rule)}' is not a rule id");
        }

        return new RuleProof(rule, ReadOutcome(o.GetProperty("outcome"), at + ".outcome"), ReadRuleSide(o.GetProperty("baseline"), at + ".baseline"), ReadRuleSide(o.GetProperty("head"), at + ".head"))
        {
            Incident = o.TryGetProperty("incident", out var i) ? ReadRuleSide(i, at + ".incident") : null,
        };
    }

    private static RuleSide? ReadRuleSide(JsonElement e, string at)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var o = Obj(e, at, ["held", "spans", "failedSpans", "message", "groups", "timeline"], ["held", "spans", "failedSpans", "message", "groups", "timeline"]);
        var timeline = Arr(o.GetProperty("timeline"), at + ".timeline", 100).Select((x, i) =>
        {
            string ta = $"{at}.timeline[{i}]";
            var t = Obj(x, ta, ["traceId", "spanId", "span", "startUs", "endUs", "events"], ["traceId", "spanId", "span", "startUs", "endUs", "events"]);
            var events = Arr(t.GetProperty("events"), ta + ".events", 100).Select((ev, k) =>
            {
                var en = Obj(ev, $"{ta}.events[{k}]", ["name", "atUs"], ["name", "atUs"]);
                return new TimelineEvent(Text(en.GetProperty("name"), $"{ta}.events[{k}].name", 1000), Number(en.GetProperty("atUs"), $"{ta}.events[{k}].atUs"));
            }).ToList();
            return new TimelineSpan(Hex(t.GetProperty("traceId"), ta + ".traceId", 32), Hex(t.GetProperty("spanId"), ta + ".spanId", 16),
                Text(t.GetProperty("span"), ta + ".span", 1000), Number(t.GetProperty("startUs"), ta + ".startUs"), Number(t.GetProperty("endUs"), ta + ".endUs"), events);
        }).ToList();
        return new RuleSide(Bool(o.GetProperty("held"), at + ".held"), CountLong(o.GetProperty("spans"), at + ".spans"), CountLong(o.GetProperty("failedSpans"), at + ".failedSpans"),
            ReadGroups(o.GetProperty("groups"), at + ".groups"))
        {
            Message = Text(o.GetProperty("message"), at + ".message"),
            Timeline = timeline,
        };
    }

    private static IncidentProof ReadIncident(JsonElement e, string at)
    {
        var o = Obj(e, at, ["outcome", "traceId", "source", "spans", "message"], ["outcome", "traceId", "source", "spans", "message"]);
        string? traceId = o.GetProperty("traceId").ValueKind == JsonValueKind.Null ? null : Hex(o.GetProperty("traceId"), at + ".traceId", 32);
        return new IncidentProof(ReadOutcome(o.GetProperty("outcome"), at + ".outcome"), traceId, NullableText(o, "source", at, 4096),
            CountLong(o.GetProperty("spans"), at + ".spans"), Text(o.GetProperty("message"), at + ".message"));
    }

    private static List<OffenderGroup> ReadGroups(JsonElement e, string at) =>
        Arr(e, at, 100).Select((x, i) =>
        {
            string ga = $"{at}[{i}]";
            var g = Obj(x, ga, ["problem", "spans", "examples"], ["problem", "spans", "examples"]);
            string problem = Text(g.GetProperty("problem"), ga + ".problem");
            var examples = Arr(g.GetProperty("examples"), ga + ".examples", 10).Select((ex, k) =>
            {
                var eo = Obj(ex, $"{ga}.examples[{k}]", ["traceId", "spanId", "span"], ["traceId", "spanId", "span"]);
                return new Offender(Hex(eo.GetProperty("traceId"), $"{ga}.examples[{k}].traceId", 32), Hex(eo.GetProperty("spanId"), $"{ga}.examples[{k}].spanId", 16),
                    Text(eo.GetProperty("span"), $"{ga}.examples[{k}].span"), problem);
            }).ToList();
            return new OffenderGroup(problem, CountLong(g.GetProperty("spans"), ga + ".spans"), examples);
        }).ToList();

    private static long CountLong(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long n) && n >= 0 ? n : throw new JsonReportException(at, "expected a count (a whole number from 0)");

    private static ProofSide ReadProofSide(JsonElement e, string at)
    {
        var o = Obj(e, at, ProofSideMembers, ["repro"]);
        string? commit = NullableText(o, "commit", at, 64);
        if (commit is not null && !HexCommit().IsMatch(commit))
        {
            throw new JsonReportException(at + ".commit", $"'{Show(commit)}' is not a commit id (4 to 64 lowercase hex digits)");
        }

        int? exitCode = o.TryGetProperty("exitCode", out var x) && x.ValueKind != JsonValueKind.Null
            ? (x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out int code) ? code : throw new JsonReportException(at + ".exitCode", "expected an exit code or null"))
            : null;
        long? spans = o.TryGetProperty("spans", out var sp) && sp.ValueKind != JsonValueKind.Null
            ? (sp.ValueKind == JsonValueKind.Number && sp.TryGetInt64(out long n) && n >= 0 ? n : throw new JsonReportException(at + ".spans", "expected a count of spans or null"))
            : null;
        string repro = Enum(o.GetProperty("repro"), at + ".repro", "failed", "passed", "errored", "skipped", "missing", "no-results");
        return new ProofSide(commit, exitCode, spans, ReproOutcomeNames.FromWire(repro)!.Value)
        {
            Message = NullableText(o, "message", at, 4096),
        };
    }

    private static string? NullableText(JsonElement o, string member, string at, int maxLength) =>
        o.TryGetProperty(member, out var v) && v.ValueKind != JsonValueKind.Null ? Text(v, at + "." + member, maxLength) : null;

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-f]{4,64}$")]
    private static partial System.Text.RegularExpressions.Regex HexCommit();

    /// <summary>The tool that wrote the report. It came from an untrusted run: a name and version that are not plain
    /// tokens are dropped rather than rendered (the report is still read: the tool is not part of the verdict).</summary>
    private static ToolInfo? ReadTool(JsonElement root)
    {
        if (!root.TryGetProperty("tool", out var t) || t.ValueKind != JsonValueKind.Object
            || !t.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String
            || !t.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string name = n.GetString()!, version = v.GetString()!;
        return PlainToken().IsMatch(name) && PlainToken().IsMatch(version) && !name.EndsWith('\n') && !version.EndsWith('\n') ? new ToolInfo(name, version) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.+-]{0,63}$")]
    private static partial System.Text.RegularExpressions.Regex PlainToken();

    private static Check ReadCheck(JsonElement c, string at)
    {
        var o = Obj(c, at, CheckMembers, ["id", "outcome", "message"]);
        string id = Text(o.GetProperty("id"), at + ".id", 200);
        if (!PolicyIds.IsCheckId(id))
        {
            throw new JsonReportException(at + ".id", $"'{Show(id)}' is not a check id (evidence.FIELD, evidence.agreement.FIELD, evidence.FIELD.run, traces.RULE or tests.results, with the policy's id rules)");
        }

        var outcome = OutcomeNames.OutcomeFromWire(Enum(o.GetProperty("outcome"), at + ".outcome", "pass", "fail", "warn", "inconclusive", "skip"))!.Value;
        return new Check(id, outcome, Text(o.GetProperty("message"), at + ".message"))
        {
            Hint = o.TryGetProperty("hint", out var h) ? Text(h, at + ".hint") : null,
            Location = o.TryGetProperty("location", out var l) ? ReadLocation(l, at + ".location") : null,
            Spans = o.TryGetProperty("spans", out var s) ? (s.TryGetInt64(out long n) && n >= 0 ? n : throw new JsonReportException(at + ".spans", "expected a count of spans")) : null,
            Stats = o.TryGetProperty("stats", out var st) ? Arr(st, at + ".stats", 100).Select((row, i) => ReadStat(row, $"{at}.stats[{i}]")).ToList() : [],
            Quantiles = o.TryGetProperty("quantiles", out var q) ? Arr(q, at + ".quantiles", MaxQuantileCharts).Select((x, i) => ReadQuantiles(x, $"{at}.quantiles[{i}]")).ToList() : [],
            Offenders = o.TryGetProperty("offenders", out var off) ? Arr(off, at + ".offenders", 1000).Select((x, i) => ReadOffender(x, $"{at}.offenders[{i}]")).ToList() : [],
            Groups = o.TryGetProperty("groups", out var g) ? ReadGroups(g, at + ".groups") : [],
            Details = o.TryGetProperty("details", out var d) ? Arr(d, at + ".details", 100_000).Select((x, i) => Text(x, $"{at}.details[{i}]")).ToList() : [],
            Repro = o.TryGetProperty("repro", out var r) ? ReadRepro(r, at + ".repro") : null,
        };
    }

    /// <summary>The repro as the test reports showed it: outcomes from the documented list, file and line of each case.</summary>
    private static ReproRun ReadRepro(JsonElement e, string at)
    {
        var o = Obj(e, at, ["ref", "outcome", "cases"], ["ref", "outcome", "cases"]);
        var cases = Arr(o.GetProperty("cases"), at + ".cases", 10_000).Select((c, i) =>
        {
            string ca = $"{at}.cases[{i}]";
            var k = Obj(c, ca, ["file", "line", "name", "outcome", "attempts", "reason"], ["file", "line", "name", "outcome", "attempts"]);
            string file = Text(k.GetProperty("file"), ca + ".file", 4096);
            if (!IsPlainLine(file))
            {
                throw new JsonReportException(ca + ".file", $"'{Show(file)}' is not one line of text");
            }

            return new ReproCase(file, Count(k.GetProperty("line"), ca + ".line"), Text(k.GetProperty("name"), ca + ".name", 4096),
                Enum(k.GetProperty("outcome"), ca + ".outcome", ReproOutcomes), Count(k.GetProperty("attempts"), ca + ".attempts"))
            {
                Reason = k.TryGetProperty("reason", out var why) ? Text(why, ca + ".reason") : null,
            };
        }).ToList();
        return new ReproRun(Text(o.GetProperty("ref"), at + ".ref", 4096), Enum(o.GetProperty("outcome"), at + ".outcome", ReproOutcomes), cases);
    }

    // A test report's own file name (absolute on the runner, or a suite name) is shown as text, never linked.
    private static bool IsPlainLine(string text) => !text.Contains('\n') && !text.Contains('\r');

    private static SourceLocation ReadLocation(JsonElement l, string at)
    {
        var o = Obj(l, at, ["path", "line"], ["path", "line"]);
        string path = Text(o.GetProperty("path"), at + ".path", 4096);
        if (!IsRelativeInside(path))
        {
            throw new JsonReportException(at + ".path", $"'{Show(path)}' is not a path relative to the checkout without '..'");
        }

        int line = o.GetProperty("line").TryGetInt32(out int n) && n >= 1 ? n : throw new JsonReportException(at + ".line", "expected a line number from 1");
        return new SourceLocation(path, line);
    }

    /// <summary>A path an annotation may name: relative, inside the checkout, one line of printable text.</summary>
    public static bool IsRelativeInside(string path) =>
        path.Length > 0 && path[0] is not ('/' or '\\') && !(path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':')
        && !path.Any(ch => ch < 0x20 || ch == 0x7f)
        && !path.Split('/', '\\').Contains("..");

    private static StatRow ReadStat(JsonElement row, string at)
    {
        var o = Obj(row, at, StatMembers, ["stat", "unit", "value", "ok"]);
        string stat = Enum(o.GetProperty("stat"), at + ".stat", Stats);
        bool duration = Enum(o.GetProperty("unit"), at + ".unit", "ns", "spans") == "ns";
        return new StatRow(stat, Number(o.GetProperty("value"), at + ".value"), o.TryGetProperty("baseline", out var b) ? Number(b, at + ".baseline") : null,
            o.TryGetProperty("budget", out var bu) ? Text(bu, at + ".budget", 1000) : null, Bool(o.GetProperty("ok"), at + ".ok"))
        {
            IsDuration = duration,
        };
    }

    /// <summary>One per duration statistic at most; a picture has at most <see cref="MaxQuantilePoints"/> quantiles.</summary>
    private const int MaxQuantileCharts = 7, MaxQuantilePoints = 20;

    /// <summary>A picture's quantiles: a duration statistic, each side's n from 1, percentiles rising from 1 to 100,
    /// and finite durations from 0 (the chart draws them as they are).</summary>
    private static QuantileComparison ReadQuantiles(JsonElement x, string at)
    {
        string[] members = ["stat", "unit", "baselineSpans", "headSpans", "points"];
        var o = Obj(x, at, members, members);
        string stat = Enum(o.GetProperty("stat"), at + ".stat", Stats[1..]);
        Enum(o.GetProperty("unit"), at + ".unit", "ns");
        long Spans(string member) => CountLong(o.GetProperty(member), at + "." + member) is var n and >= 1 ? n : throw new JsonReportException(at + "." + member, "expected a count of spans from 1");
        long baselineSpans = Spans("baselineSpans"), headSpans = Spans("headSpans");
        var points = Arr(o.GetProperty("points"), at + ".points", MaxQuantilePoints);
        if (points.Count == 0)
        {
            throw new JsonReportException(at + ".points", "expected at least one quantile");
        }

        int previous = 0;
        var read = points.Select((p, i) =>
        {
            string pa = $"{at}.points[{i}]";
            var po = Obj(p, pa, ["p", "baseline", "head"], ["p", "baseline", "head"]);
            int percentile = po.GetProperty("p").ValueKind == JsonValueKind.Number && po.GetProperty("p").TryGetInt32(out int n) && n > previous && n <= 100
                ? n
                : throw new JsonReportException(pa + ".p", $"expected a percentile from {previous + 1} to 100 (rising)");
            previous = percentile;
            return new QuantilePoint(percentile, Duration(po.GetProperty("baseline"), pa + ".baseline"), Duration(po.GetProperty("head"), pa + ".head"));
        }).ToList();
        return new QuantileComparison(stat, baselineSpans, headSpans, read);
    }

    private static double Duration(JsonElement e, string at) =>
        Number(e, at) is var d and >= 0 ? d : throw new JsonReportException(at, "expected a duration in nanoseconds from 0");

    private static Offender ReadOffender(JsonElement x, string at)
    {
        var o = Obj(x, at, OffenderMembers, OffenderMembers);
        return new Offender(Hex(o.GetProperty("traceId"), at + ".traceId", 32), Hex(o.GetProperty("spanId"), at + ".spanId", 16),
            Text(o.GetProperty("span"), at + ".span"), Text(o.GetProperty("problem"), at + ".problem"));
    }

    private static EvidenceValue ReadEvidence(string name, JsonElement v, string at)
    {
        var o = Obj(v, at, EvidenceMembers, ["value", "source"]);
        var source = Enum(o.GetProperty("source"), at + ".source", "pr-body", "trailer", "label") switch
        {
            "trailer" => EvidenceSource.Trailer,
            "label" => EvidenceSource.Label,
            _ => EvidenceSource.PrBody,
        };
        // A value from a label names the label instead of a line.
        string place = source == EvidenceSource.Label ? "label" : "line";
        if (!o.TryGetProperty(place, out var where))
        {
            throw new JsonReportException(at + "." + place, "is missing");
        }

        if (o.TryGetProperty(source == EvidenceSource.Label ? "line" : "label", out _))
        {
            throw new JsonReportException(at, $"a value from {(source == EvidenceSource.Label ? "a label has no line" : "the PR or a trailer has no label")}");
        }

        return new EvidenceValue(name, Text(o.GetProperty("value"), at + ".value"), source, source == EvidenceSource.Label ? 0 : Count(where, at + ".line"))
        {
            Label = source == EvidenceSource.Label ? Text(where, at + ".label", 1000) : null,
            Url = o.TryGetProperty("url", out var u) ? Url(u, at + ".url") : null,
            TraceId = o.TryGetProperty("traceId", out var t) ? Hex(t, at + ".traceId", 32) : null,
            Commit = o.TryGetProperty("commit", out var c) ? Count(c, at + ".commit") : null,
        };
    }

    /// <summary>An object with only the <paramref name="allowed"/> members and every one of <paramref name="required"/>.</summary>
    private static JsonElement Obj(JsonElement e, string at, string[] allowed, string[] required)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new JsonReportException(at, $"expected an object, found {Kind(e)}");
        }

        foreach (var member in e.EnumerateObject())
        {
            if (!allowed.Contains(member.Name, StringComparer.Ordinal))
            {
                throw new JsonReportException(at, $"unknown member '{Show(member.Name)}' (expected {string.Join(", ", allowed)})");
            }
        }

        foreach (var name in required)
        {
            if (!e.TryGetProperty(name, out _))
            {
                throw new JsonReportException(at + "." + name, "is missing");
            }
        }

        return e;
    }

    private static IEnumerable<JsonProperty> Members(JsonElement e, string at, int max)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new JsonReportException(at, $"expected an object, found {Kind(e)}");
        }

        var members = e.EnumerateObject().ToList();
        return members.Count <= max ? members : throw new JsonReportException(at, $"more than {max} members");
    }

    private static List<JsonElement> Arr(JsonElement e, string at, int max)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new JsonReportException(at, $"expected an array, found {Kind(e)}");
        }

        return e.GetArrayLength() <= max ? e.EnumerateArray().ToList() : throw new JsonReportException(at, $"more than {max} items");
    }

    private static string Text(JsonElement e, string at, int maxLength = 1024 * 1024)
    {
        if (e.ValueKind != JsonValueKind.String)
        {
            throw new JsonReportException(at, $"expected a string, found {Kind(e)}");
        }

        string s = e.GetString()!;
        return s.Length <= maxLength ? s : throw new JsonReportException(at, $"longer than {maxLength} characters");
    }

    private static string Enum(JsonElement e, string at, params string[] allowed)
    {
        string s = e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new JsonReportException(at, $"expected one of {string.Join(", ", allowed)}, found {Kind(e)}");
        return allowed.Contains(s, StringComparer.Ordinal) ? s : throw new JsonReportException(at, $"'{Show(s)}' is not one of {string.Join(", ", allowed)}");
    }

    private static bool Bool(JsonElement e, string at) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new JsonReportException(at, $"expected true or false, found {Kind(e)}"),
    };

    private static int Count(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int n) && n >= 0 ? n : throw new JsonReportException(at, $"expected a whole number from 0, found {Kind(e)}");

    private static double Number(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double d) && double.IsFinite(d) ? d : throw new JsonReportException(at, $"expected a number, found {Kind(e)}");

    private static string Hex(JsonElement e, string at, int digits)
    {
        string s = Text(e, at, 100);
        return s.Length == digits && s.All(char.IsAsciiHexDigitLower) ? s : throw new JsonReportException(at, $"'{Show(s)}' is not {digits} lowercase hex digits");
    }

    private static string FieldName(JsonElement e, string at) => FieldName(Text(e, at, 100), at);

    private static string FieldName(string name, string at, bool isKey = false) => PolicyIds.IsFieldName(name)
        ? name
        : throw new JsonReportException(at, $"{(isKey ? "member" : "value")} '{Show(name)}' is not an evidence field name (lowercase letters, digits and '-', starting with a letter)");

    private static string Url(JsonElement e, string at)
    {
        string s = Text(e, at, 8192);
        return s.StartsWith("https://", StringComparison.Ordinal) || s.StartsWith("http://", StringComparison.Ordinal)
            ? s
            : throw new JsonReportException(at, "expected an http(s) URL");
    }

    /// <summary>The policy loader's rule for <c>link:</c>: an http(s) URL containing {value}.</summary>
    private static string LinkTemplate(JsonElement e, string at)
    {
        string s = Text(e, at, 8192);
        return (s.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) && s.Contains("{value}", StringComparison.Ordinal)
            ? s
            : throw new JsonReportException(at, "expected an http(s) URL containing {value}");
    }

    /// <summary>A member name as it goes into a JSON path in a message: the message is escaped when printed, and a
    /// name that is not a field name is refused anyway.</summary>
    private static string Safe(string name) => Untrusted.Line(name, 60);

    /// <summary>A value quoted in a message: one inert line, however hostile.</summary>
    private static string Show(string value) => Untrusted.Line(value, 100);

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}

/// <summary>A report read back breaks the contract: <see cref="Path"/> is the JSON path of the member at fault.</summary>
public sealed class JsonReportException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
