using TraceGate.Core.Model;

namespace TraceGate.Core.Rules;

/// <summary>What the assertion kinds say about one rule's run: failures and warnings in the order the kinds judge, and
/// the statistics rows of its budgets. Built by the trace gate, filled by <see cref="AssertionKind.Judge"/>.</summary>
public sealed class RuleJudgement
{
    public RuleJudgement(TracesPolicy policy, RuleRun run, RuleRun? before)
    {
        Run = run;
        Before = before;
        Stats = run.Statistics();
        BeforeStats = before?.Statistics();
        MinSamples = run.Rule.MinSamples ?? policy.MinSamples;
        Timing = AssertionKinds.All.Any(k => k.NeedsDurations(run.Rule));
        FewSamples = Timing && run.Durations.Count < MinSamples;
    }

    public TraceRule Rule => Run.Rule;

    public RuleRun Run { get; }

    /// <summary>The same rule over the baseline's traces, when a baseline was given.</summary>
    public RuleRun? Before { get; }

    public Dictionary<string, double> Stats { get; }

    public Dictionary<string, double>? BeforeStats { get; }

    /// <summary>Spans needed before duration budgets are enforced (the rule's <c>min-samples</c> or the policy's).</summary>
    public int MinSamples { get; }

    /// <summary>Some kind of the rule judges durations.</summary>
    public bool Timing { get; }

    /// <summary>Fewer durations than <see cref="MinSamples"/>: budgets are measured and shown, not enforced.</summary>
    public bool FewSamples { get; }

    /// <summary>A duration or baseline budget failed: the slowest spans become offenders.</summary>
    public bool TimingFailed { get; set; }

    public List<string> Failures { get; } = [];

    public List<string> Warnings { get; } = [];

    public List<StatRow> Rows { get; } = [];
}
