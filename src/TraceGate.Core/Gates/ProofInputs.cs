using TraceGate.Core.TestResults;

namespace TraceGate.Core.Gates;

/// <summary>How one side of <c>tracegate prove</c> ran, from its <c>run.json</c>.</summary>
public sealed record ProofRunInfo(string? Commit, int? ExitCode, long? Spans)
{
    public bool TimedOut { get; init; }

    /// <summary>Why the side has no results file, when it has none (the command wrote nothing at {results}).</summary>
    public string? ResultsProblem { get; init; }
}

/// <summary>
/// The baseline side of a proof, for <c>proof.repro</c>: the repro's results on the base commit (from a proof
/// directory or <c>--baseline-test-results</c>). The head side is this run's test results.
/// </summary>
public sealed record ProofInputs
{
    /// <summary>Test cases of the baseline run, or null when the baseline has no results file.</summary>
    public IReadOnlyList<TestCaseResult>? BaselineCases { get; init; }

    public IReadOnlyList<string> BaselineFiles { get; init; } = [];

    /// <summary>Null when the baseline results came from a glob rather than from <c>tracegate prove</c>.</summary>
    public ProofRunInfo? BaselineRun { get; init; }

    public ProofRunInfo? HeadRun { get; init; }

    /// <summary>The baseline result globs that matched nothing.</summary>
    public IReadOnlyList<string> UnmatchedBaselineGlobs { get; init; } = [];
}
