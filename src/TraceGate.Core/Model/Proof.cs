namespace TraceGate.Core.Model;

/// <summary>What the repro did on one side of a proof: the outcome a reader needs to judge the claim.</summary>
public enum ReproOutcome
{
    /// <summary>An assertion or test failure: the bug reproduced.</summary>
    Failed,
    Passed,

    /// <summary>The test could not reach its assertions (an import, syntax or collection error).</summary>
    Errored,
    Skipped,

    /// <summary>No test case in the side's results is the repro.</summary>
    Missing,

    /// <summary>The side has no results at all (no file, or no proof of that side).</summary>
    NoResults,
}

/// <summary>One side (baseline or head) of a proof, for the report: the commit it ran on, the command's exit code,
/// the spans it exported, and what the repro did.</summary>
public sealed record ProofSide(string? Commit, int? ExitCode, long? Spans, ReproOutcome Repro)
{
    public string? Message { get; init; }
}

/// <summary>The proof in the report: the repro run before the fix (baseline) and after it (head), when the repro was
/// judged; the proving trace rules on both sides and on the incident's trace.</summary>
public sealed record ProofSummary(ProofSide? Baseline, ProofSide? Head)
{
    /// <summary>Per rule with <c>proves: true</c>: what it said before the fix, after it, and on the incident.</summary>
    public IReadOnlyList<RuleProof> Rules { get; init; } = [];

    public IncidentProof? Incident { get; init; }

    /// <summary>Runs of each side that <c>tracegate prove</c> made (<c>--repeat N</c>: base, head, base, head …; 1
    /// without it), whose traces pool into each side's sample; null when the proof did not come from
    /// <c>tracegate prove</c> (baseline test results or traces given by glob).</summary>
    public int? Repeat { get; init; }

    /// <summary>The most runs per side <c>tracegate prove --repeat</c> makes: 20 runs of each side.</summary>
    public const int MaxRepeat = 20;
}

/// <summary>What a proving rule found on one side: whether it held, how many spans it selected and how many broke
/// it, and those grouped by what was wrong.</summary>
public sealed record RuleSide(bool Held, long Spans, long FailedSpans, IReadOnlyList<OffenderGroup> Groups)
{
    /// <summary>The side's check message (the rule's own words: counts, budgets).</summary>
    public string Message { get; init; } = "";

    /// <summary>A few spans of the side's first offending trace (or, when none failed, of its first selected
    /// span's trace), for the before/after picture.</summary>
    public IReadOnlyList<TimelineSpan> Timeline { get; init; } = [];
}

/// <summary>One span of a timeline: offsets in microseconds from the trace's first span, and its events.</summary>
public sealed record TimelineSpan(string TraceId, string SpanId, string Name, double StartMicros, double EndMicros, IReadOnlyList<TimelineEvent> Events);

public sealed record TimelineEvent(string Name, double AtMicros);

/// <summary><c>proof.&lt;rule id&gt;</c>: the rule before the fix (it must fail), after it (it must pass), and on
/// the incident's trace (it must fail there too), each null when that side was not judged.</summary>
public sealed record RuleProof(string Rule, Outcome Outcome, RuleSide? Baseline, RuleSide? Head)
{
    public RuleSide? Incident { get; init; }
}

/// <summary><c>proof.incident</c>: where the PR's primary trace was found and what the proving rules said of it.</summary>
public sealed record IncidentProof(Outcome Outcome, string? TraceId, string? Source, long Spans, string Message);

public static class ReproOutcomeNames
{
    public static string ToWire(this ReproOutcome outcome) => outcome switch
    {
        ReproOutcome.Failed => "failed",
        ReproOutcome.Passed => "passed",
        ReproOutcome.Errored => "errored",
        ReproOutcome.Skipped => "skipped",
        ReproOutcome.Missing => "missing",
        _ => "no-results",
    };

    public static ReproOutcome? FromWire(string? text) => text switch
    {
        "failed" => ReproOutcome.Failed,
        "passed" => ReproOutcome.Passed,
        "errored" => ReproOutcome.Errored,
        "skipped" => ReproOutcome.Skipped,
        "missing" => ReproOutcome.Missing,
        "no-results" => ReproOutcome.NoResults,
        _ => null,
    };
}
