using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Core.Rules;

namespace TraceGate.Core.Gates;

/// <summary>
/// Turns what the rule engine saw into checks: <c>traces.&lt;rule id&gt;</c> per rule (each assertion kind judges its
/// part: count, per-span conditions, duration budgets, baseline comparison), <c>traces.integrity</c>,
/// <c>traces.redaction</c> and <c>traces.baseline.names</c>.
/// </summary>
public static class TraceGates
{
    public static IReadOnlyList<Check> Evaluate(TracesPolicy policy, RuleEngine run, RuleEngine? baseline)
    {
        var checks = new List<Check>();
        for (int i = 0; i < run.Runs.Count; i++)
        {
            checks.Add(RuleCheck(policy, run.Runs[i], baseline?.Runs[i]));
        }

        if (run.IntegrityProblems > 0)
        {
            checks.Add(new Check("traces.integrity", Outcome.Fail, $"{run.IntegrityProblems} span(s) are malformed")
            {
                Offenders = run.Integrity,
                Hint = "Fix the instrumentation or exporter that wrote these spans; TraceGate judged the rest.",
            });
        }

        if (policy.RedactionForbid.Count > 0)
        {
            checks.Add(run.RedactionProblems == 0
                ? new Check("traces.redaction", Outcome.Pass, $"no attribute value looks like {string.Join(", ", policy.RedactionForbid)} in {run.Spans} spans") { Spans = run.Spans }
                : new Check("traces.redaction", Outcome.Fail, $"{run.RedactionProblems} attribute value(s) look like {string.Join(", ", policy.RedactionForbid)}")
                {
                    Spans = run.Spans,
                    Offenders = run.Redactions,
                    Hint = "Redact or hash these values where the span is recorded; traces are read by people and tools outside the service.",
                });
        }

        if (baseline is not null)
        {
            var onlyNow = run.SpanNames.Keys.Except(baseline.SpanNames.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var onlyBefore = baseline.SpanNames.Keys.Except(run.SpanNames.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var details = onlyNow.Select(n => $"new in this run: {n} ({run.SpanNames[n]} spans)")
                .Concat(onlyBefore.Select(n => $"only in the baseline: {n} ({baseline.SpanNames[n]} spans)")).ToList();
            checks.Add(details.Count == 0
                ? new Check("traces.baseline.names", Outcome.Pass, $"the same {run.SpanNames.Count} span names as the baseline")
                : new Check("traces.baseline.names", Outcome.Warn, $"{onlyNow.Count} span name(s) new in this run, {onlyBefore.Count} only in the baseline") { Details = details });
        }

        return checks;
    }

    /// <summary>The check of one rule on one run; <paramref name="before"/> is the baseline run, for its change budgets.</summary>
    public static Check RuleCheck(TracesPolicy policy, RuleRun run, RuleRun? before)
    {
        var rule = run.Rule;
        string id = "traces." + rule.Id;
        var location = policy.PolicyPath is { } path ? new SourceLocation(path, rule.Line) : null;
        var judgement = RuleJudgement.Judge(policy, run, before);
        var outcome = judgement.Outcome;
        return new Check(id, outcome, judgement.Summary(outcome))
        {
            Spans = run.Selected,
            Location = location,
            Offenders = judgement.Offenders().DistinctBy(o => (o.TraceId, o.SpanId, o.Problem)).ToList(),
            Groups = run.Groups(),
            Stats = judgement.Rows,
            Quantiles = outcome is Outcome.Fail or Outcome.Warn or Outcome.Inconclusive ? judgement.Pictures : [],
            Details = judgement.DetailsFor(outcome),
            Hint = outcome == Outcome.Fail ? $"The rule is at {(location is null ? "the policy" : $"{location.Path}:{location.Line}")}: selector {rule.Selector}." : null,
        };
    }
}
