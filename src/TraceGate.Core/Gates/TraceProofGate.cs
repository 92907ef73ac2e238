using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.Rules;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Gates;

/// <summary>The traces a trace proof judges: the head run's, the baseline's (before the fix), and pictures of a
/// few of their traces.</summary>
public sealed record ProofTraces(RuleEngine Head, RuleEngine? Baseline)
{
    /// <summary>Spans of the traces <see cref="TraceProofGate.PictureTrace"/> chose, by trace id.</summary>
    public IReadOnlyDictionary<TraceId, IReadOnlyList<TimelineSpan>> Timelines { get; init; } = new Dictionary<TraceId, IReadOnlyList<TimelineSpan>>();
}

public enum IncidentStatus
{
    Found,

    /// <summary>The committed files or the backend do not have the trace: <c>proof.incident</c> fails.</summary>
    NotFound,

    /// <summary>The backend could not be asked: nothing is known, so the check is inconclusive, never a pass.</summary>
    Unreachable,
}

/// <summary>The incident's trace as the host found it: in the committed incident traces or in the CI's trace
/// backend. <see cref="Engine"/> holds only the spans of the primary trace.</summary>
public sealed record IncidentTraces(IncidentStatus Status, string Source, RuleEngine? Engine, string Message)
{
    public IReadOnlyList<TimelineSpan> Timeline { get; init; } = [];
}

/// <summary>
/// <c>proof.&lt;rule id&gt;</c> and <c>proof.incident</c>: a trace rule that passes on the fixed run says nothing
/// unless it fails where the bug was. A rule with <c>proves: true</c> must fail on the baseline traces (the repro run
/// before the fix) and pass on the head's; <c>proof.incident</c> passes when the PR's primary trace is found and
/// every proving rule fails on it. A rule that selects nothing on a side proves nothing there.
/// </summary>
public static class TraceProofGate
{
    public const string IncidentCheckId = "proof.incident";

    /// <summary>Check ids that a rule id must not take (<c>proof.repro</c>, <c>proof.incident</c>).</summary>
    public static IReadOnlyList<string> ReservedIds => RuleLoader.ReservedIds;

    /// <summary>The trace to draw for a side: the first offender's, else the first selected span's.</summary>
    public static TraceId? PictureTrace(RuleRun run)
    {
        if (run.Groups().FirstOrDefault(g => g.Examples.Count > 0) is { } g && TryTraceId(g.Examples[0].TraceId, out var id))
        {
            return id;
        }

        return run.FirstSelected?.Trace;
    }

    public static (IReadOnlyList<Check> Checks, IReadOnlyList<RuleProof> Rules, IncidentProof? Incident) Evaluate(
        TracesPolicy policy, ProofTraces? traces, string? traceId, IncidentTraces? incident)
    {
        var checks = new List<Check>();
        var proofs = new List<RuleProof>();
        var proving = policy.Rules.Select((r, i) => (Rule: r, Index: i)).Where(p => p.Rule.Proves).ToList();
        if (proving.Count == 0)
        {
            return (checks, proofs, null);
        }

        var incidentSides = new List<(TraceRule Rule, RuleSide Side)>();
        foreach (var (rule, i) in proving)
        {
            string id = "proof." + rule.Id;
            var location = policy.PolicyPath is { } path ? new SourceLocation(path, rule.Line) : null;
            if (traces is null)
            {
                checks.Add(new Check(id, Outcome.Fail, $"not judged: the policy has no trace files for rule {rule.Id}") { Location = location });
                proofs.Add(new RuleProof(rule.Id, Outcome.Fail, null, null));
                continue;
            }

            var head = Side(policy, traces.Head.Runs[i], traces.Baseline?.Runs[i], traces);
            var baseline = traces.Baseline is { } b ? Side(policy, b.Runs[i], null, traces) : null;
            RuleSide? onIncident = null;
            if (incident is { Status: IncidentStatus.Found, Engine: { } engine })
            {
                onIncident = Side(policy, engine.Runs[i], null, null) with { Timeline = incident.Timeline };
                incidentSides.Add((rule, onIncident));
            }

            var problems = new List<string>();
            if (baseline is null)
            {
                problems.Add("has no baseline traces to fail on: run tracegate prove (its baseline side) or give --baseline (traces.baseline)");
            }
            else if (baseline.Spans == 0)
            {
                problems.Add("selects no span before the fix: a rule that sees nothing there proves nothing (is the selector the base code's span?)");
            }
            else if (baseline.Held)
            {
                problems.Add($"passes before the fix too ({baseline.Spans} spans{Expect(rule)}): it does not show the bug");
            }

            if (!head.Held)
            {
                problems.Add("still fails after the fix: " + head.Message);
            }

            var outcome = problems.Count == 0 ? Outcome.Pass : Outcome.Fail;
            string message = outcome == Outcome.Pass
                ? $"fails before the fix ({Broke(baseline!)}) and passes after it ({head.Spans} spans{Expect(rule)})"
                : string.Join("; and it ", problems);
            checks.Add(new Check(id, outcome, message)
            {
                Location = location,
                Spans = head.Spans,
                Groups = outcome == Outcome.Fail && !head.Held ? head.Groups : [],
                Hint = outcome == Outcome.Pass ? null
                    : baseline is { Held: true }
                        ? $"A proving rule must catch the bug: make rule {rule.Id} assert the invariant the bug breaks, as the incident's trace shows it."
                        : $"The rule is at {(location is null ? "the policy" : $"{location.Path}:{location.Line}")}: selector {rule.Selector}.",
            });
            proofs.Add(new RuleProof(rule.Id, outcome, baseline, head) { Incident = onIncident });
        }

        var (incidentCheck, incidentProof) = Incident(traceId, incident, incidentSides, proving.Count);
        checks.Add(incidentCheck);
        return (checks, proofs, incidentProof);
    }

    private static (Check, IncidentProof) Incident(string? traceId, IncidentTraces? incident, List<(TraceRule Rule, RuleSide Side)> sides, int proving)
    {
        Check check;
        if (traceId is null)
        {
            check = new Check(IncidentCheckId, Outcome.Fail, "no primary trace id in the evidence, so the incident's trace cannot be looked up")
            {
                Hint = "Name the incident's trace: 'Primary trace: <32 hex digits or a link to it>' in the PR description, or a TRACE: trailer.",
            };
        }
        else if (incident is null)
        {
            check = new Check(IncidentCheckId, Outcome.Fail, $"trace {traceId} was not looked for: no incident traces are committed and no trace backend is configured")
            {
                Hint = "Commit the trace under incidents/<incident>/ (tracegate incident export --trace-id ID --from jaeger=URL --out incidents/<incident>/trace.json), or give the CI job --trace-backend jaeger=URL.",
            };
        }
        else if (incident.Status == IncidentStatus.Unreachable)
        {
            // Inconclusive: nothing is known of the incident's trace. Neutral, never a pass.
            check = new Check(IncidentCheckId, Outcome.Inconclusive, $"trace {traceId} could not be fetched from {incident.Source}: {incident.Message}; the proof against the incident was not made")
            {
                Hint = "Check the trace backend's URL and token (--trace-backend, --trace-backend-token-env), or commit the trace under incidents/<incident>/ with tracegate incident export.",
            };
        }
        else if (incident.Status == IncidentStatus.NotFound)
        {
            check = new Check(IncidentCheckId, Outcome.Fail, $"trace {traceId} is not in {incident.Source}: {incident.Message}")
            {
                Hint = "The primary trace must be the incident's: check the id in the PR, or export that trace (tracegate incident export) and commit it.",
            };
        }
        else
        {
            var held = sides.Where(s => s.Side.Held || s.Side.Spans == 0).ToList();
            if (held.Count == 0 && sides.Count == proving)
            {
                check = new Check(IncidentCheckId, Outcome.Pass,
                    $"trace {traceId} ({incident.Source}, {incident.Engine?.Spans ?? 0} spans) shows the bug: "
                    + string.Join("; ", sides.Select(s => $"{s.Rule.Id} fails on it ({Broke(s.Side)})")));
            }
            else
            {
                check = new Check(IncidentCheckId, Outcome.Fail,
                    $"trace {traceId} ({incident.Source}, {incident.Engine?.Spans ?? 0} spans) does not show the bug: "
                    + string.Join("; ", held.Select(s => s.Side.Spans == 0
                        ? $"{s.Rule.Id} selects no span of it"
                        : $"{s.Rule.Id} passes on it ({s.Side.Spans} spans)")))
                {
                    Hint = "Every proves: true rule must fail on the incident's trace: either the rule does not encode the invariant the incident broke, or the primary trace is not the incident's.",
                };
            }
        }

        return (check, new IncidentProof(check.Outcome, traceId, incident?.Source, incident?.Engine?.Spans ?? 0, check.Message));
    }

    private static RuleSide Side(TracesPolicy policy, RuleRun run, RuleRun? before, ProofTraces? traces)
    {
        var check = TraceGates.RuleCheck(policy, run, before);
        IReadOnlyList<TimelineSpan> timeline = [];
        if (traces is not null && PictureTrace(run) is { } t && traces.Timelines.TryGetValue(t, out var spans))
        {
            timeline = spans;
        }

        return new RuleSide(check.Outcome != Outcome.Fail, run.Selected, run.FailedSpans, run.Groups()) { Message = check.Message, Timeline = timeline };
    }

    private static string Broke(RuleSide side) =>
        side.FailedSpans == 0
            ? side.Message
            : $"{side.FailedSpans} of {side.Spans} spans: " + string.Join("; ", side.Groups.Take(2).Select(g => $"{g.Problem}{(g.Spans == side.FailedSpans ? "" : $" ({g.Spans})")}"))
              + (side.Groups.Count > 2 ? $"; and {side.Groups.Count - 2} more kinds" : "");

    /// <summary>What the rule asks of a span, as the passing side's words: "events in order fee_debit, debit, credit".</summary>
    private static string Expect(TraceRule rule)
    {
        var parts = new List<string>();
        if (rule.EventsInOrder.Count > 0)
        {
            parts.Add("events in order " + string.Join(", ", rule.EventsInOrder));
        }

        if (rule.ForbidEvents.Count > 0)
        {
            parts.Add("no event " + string.Join(" or ", rule.ForbidEvents));
        }

        if (rule.Status is { } status)
        {
            parts.Add(status == StatusCode.Error ? "status ERROR" : "no status ERROR");
        }

        parts.AddRange(rule.Attributes.Select(a => a.Kind switch
        {
            AttributeCheckKind.Exists => $"{a.Key} set",
            AttributeCheckKind.Absent => $"no {a.Key}",
            _ => $"{a.Key} {a.Text}",
        }));
        parts.AddRange(rule.Duration.Select(d => $"{d.Stat} {d.Limit.Text}"));
        return parts.Count == 0 ? "" : ": " + string.Join("; ", parts);
    }

    private static bool TryTraceId(string hex, out TraceId id) =>
        TraceFormats.Ids.TryHexTraceId(System.Text.Encoding.ASCII.GetBytes(hex), out id);
}
