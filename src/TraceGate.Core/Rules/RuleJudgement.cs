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
}
