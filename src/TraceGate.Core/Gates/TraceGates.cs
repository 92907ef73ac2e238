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
        var judgement = new RuleJudgement(policy, run, before);
        foreach (var kind in AssertionKinds.All.Where(k => k.JudgedFirst))
        {
            kind.Judge(judgement);
        }

        if (run.FailedSpans > 0)
        {
            judgement.Failures.Add($"{run.FailedSpans} of {run.Selected} spans break the rule: "
                + string.Join(", ", run.ProblemCounts.Select(p => $"{p.Key} ({p.Value})")));
        }

        foreach (var kind in AssertionKinds.All.Where(k => !k.JudgedFirst))
        {
            kind.Judge(judgement);
        }

        var failures = judgement.Failures;
        var warnings = judgement.Warnings;
        var rows = judgement.Rows;
        var offenders = new List<Offender>(run.Offenders);
        var undecided = judgement.Inconclusive;
        if (judgement.FewSamples && run.Durations.Count > 0)
        {
            (judgement.Plain ? warnings : undecided).Insert(0, $"only {run.Durations.Count} span(s): at least {judgement.MinSamples} (min-samples) are needed to judge duration budgets; measured values are shown but not enforced");
        }

        if (undecided.Count > 0 && rule.BaselineSettings.OnInconclusive == InconclusiveMode.Fail)
        {
            failures.AddRange(undecided.Select(u => "inconclusive (on-inconclusive: fail): " + u));
            undecided.Clear();
        }

        if (judgement.Timing)
        {
            rows.Insert(0, new StatRow("count", run.Durations.Count, before?.Durations.Count, null, true) { IsDuration = false });
        }

        if (judgement.TimingFailed)
        {
            offenders.AddRange(run.Slowest.Select(s => s.Span));
        }

        var outcome = failures.Count > 0 ? Outcome.Fail : undecided.Count > 0 ? Outcome.Inconclusive : warnings.Count > 0 ? Outcome.Warn : Outcome.Pass;
        string summary = outcome switch
        {
            Outcome.Fail => string.Join("; ", failures),
            Outcome.Inconclusive => $"{run.Selected} span(s) selected; " + string.Join("; ", undecided),
            Outcome.Warn => $"{run.Selected} span(s) selected; " + string.Join("; ", warnings),
            _ => $"{run.Selected} span(s) selected" + (rows.Count > 1
                ? "; " + string.Join(", ", rows.Where(r => r.IsDuration).Select(r => $"{r.Stat} {Quantities.FormatNanos(r.After)}"))
                : ""),
        };
        return new Check(id, outcome, summary)
        {
            Spans = run.Selected,
            Location = location,
            Offenders = offenders.DistinctBy(o => (o.TraceId, o.SpanId, o.Problem)).ToList(),
            Groups = run.Groups(),
            Stats = rows,
            Quantiles = outcome is Outcome.Fail or Outcome.Warn or Outcome.Inconclusive ? judgement.Pictures : [],
            Details = outcome switch
            {
                Outcome.Fail => [.. warnings, .. undecided, .. judgement.Details],
                Outcome.Inconclusive => [.. warnings, .. judgement.Details],
                Outcome.Warn => judgement.Details,
                _ => [],
            },
            Hint = outcome == Outcome.Fail ? $"The rule is at {(location is null ? "the policy" : $"{location.Path}:{location.Line}")}: selector {rule.Selector}." : null,
        };
    }
}
