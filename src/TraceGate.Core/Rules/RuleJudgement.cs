using TraceGate.Core.Model;

namespace TraceGate.Core.Rules;

/// <summary>
/// What the assertion kinds say about one rule's run: failures and warnings in the order the kinds judge, and the
/// statistics rows of its budgets, filled by <see cref="AssertionKind.Judge"/> in <see cref="Judge"/>; and the rule's
/// report text made of them (its summary line, its details, what its timing kinds say together), which the trace gate
/// puts in the rule's check.
/// </summary>
public sealed class RuleJudgement
{
    private RuleJudgement(TracesPolicy policy, RuleRun run, RuleRun? before)
    {
        Run = run;
        Before = before;
        Stats = run.Statistics();
        BeforeStats = before?.Statistics();
        MinSamples = run.Rule.BaselineSettings.MinSamples ?? run.Rule.MinSamples ?? policy.MinSamples;
        Plain = run.Rule.BaselineSettings.Method == BaselineMethod.Plain;
        Timing = AssertionKinds.All.Any(k => k.NeedsDurations(run.Rule));
        FewSamples = Timing && run.Durations.Count < MinSamples;
    }

    public TraceRule Rule => Run.Rule;

    public RuleRun Run { get; }

    /// <summary>The same rule over the baseline's traces, when a baseline was given.</summary>
    public RuleRun? Before { get; }

    public Dictionary<string, double> Stats { get; }

    public Dictionary<string, double>? BeforeStats { get; }

    /// <summary>Spans needed on each side before timing budgets are enforced (the baseline's <c>min-samples</c>, the
    /// rule's, or the policy's).</summary>
    public int MinSamples { get; }

    /// <summary>Some kind of the rule judges durations.</summary>
    public bool Timing { get; }

    /// <summary>Fewer durations than <see cref="MinSamples"/>: budgets are measured and shown, not enforced.</summary>
    public bool FewSamples { get; }

    /// <summary>A duration or baseline budget failed: the slowest spans become offenders.</summary>
    public bool TimingFailed { get; set; }

    public List<string> Failures { get; } = [];

    public List<string> Warnings { get; } = [];

    /// <summary>Why a budget could not be judged (too few spans, no baseline): the check is inconclusive.</summary>
    public List<string> Inconclusive { get; } = [];

    /// <summary>What each judged budget measured.</summary>
    public List<string> Details { get; } = [];

    /// <summary>Both sides' quantiles of each baseline budget that failed or warned, for the report's picture.</summary>
    public List<QuantileComparison> Pictures { get; } = [];

    /// <summary><c>method: plain</c>: the comparison of two numbers as before; too few spans only warn.</summary>
    public bool Plain { get; }

    public List<StatRow> Rows { get; } = [];

    /// <summary>
    /// Judges one rule's run: the kinds judged first (a rule that selected nothing says so first), the selected spans'
    /// problems counted by kind, the other kinds in <see cref="AssertionKinds"/> order, then <see cref="Conclude"/>.
    /// </summary>
    public static RuleJudgement Judge(TracesPolicy policy, RuleRun run, RuleRun? before)
    {
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

        judgement.Conclude();
        return judgement;
    }

    /// <summary>Failed, else inconclusive, else warned, else passed.</summary>
    public Outcome Outcome =>
        Failures.Count > 0 ? Outcome.Fail : Inconclusive.Count > 0 ? Outcome.Inconclusive : Warnings.Count > 0 ? Outcome.Warn : Outcome.Pass;

    /// <summary>
    /// After every kind judged, what the timing kinds (duration, baseline) say together: the min-samples notice (a
    /// warning under <c>method: plain</c>, else inconclusive), <c>on-inconclusive: fail</c> turning what could not
    /// be judged into failures, and the count row above the budgets' rows.
    /// </summary>
    private void Conclude()
    {
        if (FewSamples && Run.Durations.Count > 0)
        {
            (Plain ? Warnings : Inconclusive).Insert(0, $"only {Run.Durations.Count} span(s): at least {MinSamples} (min-samples) are needed to judge duration budgets; measured values are shown but not enforced");
        }

        if (Inconclusive.Count > 0 && Rule.BaselineSettings.OnInconclusive == InconclusiveMode.Fail)
        {
            Failures.AddRange(Inconclusive.Select(u => "inconclusive (on-inconclusive: fail): " + u));
            Inconclusive.Clear();
        }

        if (Timing)
        {
            Rows.Insert(0, new StatRow("count", Run.Durations.Count, Before?.Durations.Count, null, true) { IsDuration = false });
        }
    }

    /// <summary>The rule's one line: its failures; else how many spans were selected and why it is undecided or
    /// warned; else, with budgets, the measured durations.</summary>
    public string Summary(Outcome outcome) => outcome switch
    {
        Outcome.Fail => string.Join("; ", Failures),
        Outcome.Inconclusive => $"{Run.Selected} span(s) selected; " + string.Join("; ", Inconclusive),
        Outcome.Warn => $"{Run.Selected} span(s) selected; " + string.Join("; ", Warnings),
        _ => $"{Run.Selected} span(s) selected" + (Rows.Count > 1
            ? "; " + string.Join(", ", Rows.Where(r => r.IsDuration).Select(r => $"{r.Stat} {Quantities.FormatNanos(r.After)}"))
            : ""),
    };

    /// <summary>What the summary line leaves out: warnings and undecided budgets under a failure, and what each
    /// judged budget measured.</summary>
    public IReadOnlyList<string> DetailsFor(Outcome outcome) => outcome switch
    {
        Outcome.Fail => [.. Warnings, .. Inconclusive, .. Details],
        Outcome.Inconclusive => [.. Warnings, .. Details],
        Outcome.Warn => Details,
        _ => [],
    };

    /// <summary>The spans that broke the rule, then, when a duration or baseline budget failed, the slowest spans.</summary>
    public IEnumerable<Offender> Offenders() => TimingFailed ? Run.Offenders.Concat(Run.Slowest.Select(s => s.Span)) : Run.Offenders;
}
