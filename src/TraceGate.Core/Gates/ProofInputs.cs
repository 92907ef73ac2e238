using TraceGate.Core.TestResults;

namespace TraceGate.Core.Gates;

/// <summary>How one side of <c>tracegate prove</c> ran, from its <c>run.json</c>.</summary>
public sealed record ProofRunInfo(string? Commit, int? ExitCode, long? Spans)
{
    public bool TimedOut { get; init; }

    /// <summary>Why the side has no results file, when it has none (the command wrote nothing at {results}).</summary>
    public string? ResultsProblem { get; init; }

    /// <summary>How many times <c>tracegate prove --repeat</c> ran this side (1 without it).</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>With <see cref="Repeat"/> over 1, each run in the order it ran; the repro is judged per run.</summary>
    public IReadOnlyList<ProofRepeatRun> Runs { get; init; } = [];
}

/// <summary>One run of a side under <c>--repeat</c>: <paramref name="Results"/> is its results file's name (null
/// when it wrote none), which the cases it holds carry as the end of their results file.</summary>
public sealed record ProofRepeatRun(int Run, int? ExitCode, bool TimedOut, long Spans, string? Results);

/// <summary>
/// The baseline side of a proof, for <c>proof.repro</c>: the repro's results on the base commit (from a proof
/// directory or <c>--baseline-test-results</c>). The head side is this run's test results.
/// </summary>
public sealed record ProofInputs
{
    /// <summary>Test cases of the baseline run, or null when the baseline has no results file.</summary>
    public IReadOnlyList<TestCaseResult>? BaselineCases { get; init; }

    /// <summary>How many cases the baseline's files held, when only those the repro can match were kept in
    /// <see cref="BaselineCases"/>; null: all of them are there.</summary>
    public long? BaselineCaseCount { get; init; }

    public IReadOnlyList<string> BaselineFiles { get; init; } = [];

    /// <summary>Null when the baseline results came from a glob rather than from <c>tracegate prove</c>.</summary>
    public ProofRunInfo? BaselineRun { get; init; }

    public ProofRunInfo? HeadRun { get; init; }

    /// <summary>The baseline result globs that matched nothing.</summary>
    public IReadOnlyList<string> UnmatchedBaselineGlobs { get; init; } = [];
}
