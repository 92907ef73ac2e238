namespace TraceGate.Core.Model;

/// <summary>The outcome of one check. Order matters: a report sorts failures first.</summary>
public enum Outcome
{
    Fail,

    /// <summary>
    /// The check could not be judged (too few samples for a timing budget, a trace backend that did not answer): shown
    /// as neutral, never a pass; it fails the run only where the policy says so (<c>on-inconclusive: fail</c>).
    /// </summary>
    Inconclusive,
    Warn,
    Pass,
    Skip,
}

/// <summary>The one spelling of each outcome and conclusion on the wire (JSON report, action outputs, schema).</summary>
public static class OutcomeNames
{
    public static string Name(this Outcome outcome) => outcome switch
    {
        Outcome.Pass => "pass",
        Outcome.Fail => "fail",
        Outcome.Warn => "warn",
        Outcome.Inconclusive => "inconclusive",
        _ => "skip",
    };

    public static Outcome? OutcomeFromWire(string name) => name switch
    {
        "pass" => Outcome.Pass,
        "fail" => Outcome.Fail,
        "warn" => Outcome.Warn,
        "inconclusive" => Outcome.Inconclusive,
        "skip" => Outcome.Skip,
        _ => null,
    };

    public static string Name(this Conclusion conclusion) => conclusion switch
    {
        Conclusion.Success => "success",
        Conclusion.Inconclusive => "inconclusive",
        _ => "failure",
    };
}

/// <summary>A place in a file that a person can open: the policy line of a rule, a line of the PR description.</summary>
public sealed record SourceLocation(string Path, int Line);

/// <summary>A span that broke a rule, for reports that link to the trace.</summary>
public sealed record Offender(string TraceId, string SpanId, string SpanName, string Problem);

/// <summary>Offenders with the same problem, counted, with a few examples: "27 spans: events out of order: …".</summary>
public sealed record OffenderGroup(string Problem, long Spans, IReadOnlyList<Offender> Examples);

/// <summary>One measured statistic of a trace rule, with the baseline run's value when there is one.</summary>
public sealed record StatRow(string Stat, double After, double? Before, string? Budget, bool Ok)
{
    public bool IsDuration { get; init; } = true;
}

/// <summary>
/// One verdict line of the report. <see cref="Id"/> is the public contract (<c>evidence.rollback</c>);
/// <see cref="Hint"/> says what to write and where, for a failing check.
/// </summary>
public sealed record Check(string Id, Outcome Outcome, string Message)
{
    public string? Hint { get; init; }
    public SourceLocation? Location { get; init; }
    public IReadOnlyList<string> Details { get; init; } = [];
    public IReadOnlyList<Offender> Offenders { get; init; } = [];

    /// <summary>The offenders grouped by their problem, most frequent first (trace rules).</summary>
    public IReadOnlyList<OffenderGroup> Groups { get; init; } = [];
    public IReadOnlyList<StatRow> Stats { get; init; } = [];

    /// <summary>Per baseline budget that failed or warned, both sides' quantiles: the report's picture of it.</summary>
    public IReadOnlyList<QuantileComparison> Quantiles { get; init; } = [];

    /// <summary>How many spans the check looked at, for trace rules.</summary>
    public long? Spans { get; init; }

    /// <summary>What the test reports said of the repro, for <c>evidence.&lt;field&gt;.run</c>.</summary>
    public ReproRun? Repro { get; init; }
}

/// <summary>
/// The repro as the test reports showed it. <see cref="Outcome"/> is the verdict's outcome: <c>passed</c>,
/// <c>failed</c>, <c>errored</c>, <c>skipped</c>, <c>not-run</c>, <c>passed-on-retry</c>, or <c>not-found</c> when no
/// case matched; with several cases, the first that did not pass.
/// </summary>
public sealed record ReproRun(string Reference, string Outcome, IReadOnlyList<ReproCase> Cases);

/// <summary>One test case the reference matched, where the report lists it.</summary>
public sealed record ReproCase(string File, int Line, string Name, string Outcome, int Attempts)
{
    public string? Reason { get; init; }
}
