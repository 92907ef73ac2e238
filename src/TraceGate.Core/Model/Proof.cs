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

/// <summary>The proof in the report: the repro run before the fix (baseline) and after it (head).</summary>
public sealed record ProofSummary(ProofSide Baseline, ProofSide Head);

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
