using TraceGate.Core.Evidence;
using TraceGate.Core.Gates;
using TraceGate.Core.Policy;

namespace TraceGate.Core.Pipeline;

/// <summary>
/// Everything one gate run judges, as the host resolved it: the policy, the evidence text (from files, git or a CI
/// platform's API), the PR's facts, and the globs of the test reports and traces with the source that finds their
/// files. A test builds one in memory and runs the whole gate without a host.
/// </summary>
public sealed record GateRequest
{
    public required GatePolicy Policy { get; init; }

    /// <summary>The checkout, for repro paths named in the PR (they must exist and stay inside it).</summary>
    public required IWorkspace Workspace { get; init; }

    /// <summary>Finds the files the globs below name, and the PR templates.</summary>
    public required IInputSource Files { get; init; }

    /// <summary>The PR description; null when none was given.</summary>
    public string? PrBody { get; init; }

    /// <summary>Commit messages in git log order (newest first); null when none were given.</summary>
    public IReadOnlyList<string>? CommitMessages { get; init; }

    /// <summary>The ids of <see cref="CommitMessages"/>, when known.</summary>
    public IReadOnlyList<string>? CommitIds { get; init; }

    /// <summary>Labels, title, branch, author and changed files, for evidence.when and conditional requirements.</summary>
    public PullRequestFacts Facts { get; init; } = PullRequestFacts.None;

    /// <summary>The test reports of this run (<c>tests.results</c>, <c>--test-results</c>).</summary>
    public InputGlobs TestResults { get; init; } = InputGlobs.None;

    /// <summary>The same tests' reports from the base commit (<c>tests.baseline</c>), for <c>proof.repro</c>.</summary>
    public InputGlobs BaselineTestResults { get; init; } = InputGlobs.None;

    /// <summary>The trace files of this run (<c>traces.files</c>, <c>--traces</c>).</summary>
    public InputGlobs Traces { get; init; } = InputGlobs.None;

    /// <summary>The baseline run's trace files (<c>traces.baseline</c>, <c>--baseline</c>).</summary>
    public InputGlobs Baseline { get; init; } = InputGlobs.None;

    /// <summary>What <c>tracegate prove</c> recorded of each side's run, when its directory is this run's input.</summary>
    public ProofRuns? ProofRuns { get; init; }

    /// <summary>Asks the CI's trace backend for the incident's trace (by its id) when the committed incident traces
    /// (<c>proof.incident-traces</c>, found through <see cref="Files"/>) do not hold it; null without a backend.</summary>
    public Func<string, IncidentTraces>? IncidentBackend { get; init; }
}

/// <summary>A list of globs and whether the CI configuration gave them (then they may leave the checkout) or the
/// policy file did.</summary>
public sealed record InputGlobs(IReadOnlyList<string> Patterns, bool FromCi)
{
    public static readonly InputGlobs None = new([], false);
}

/// <summary>The run records of a proof directory: the base side and the head side.</summary>
public sealed record ProofRuns(ProofRunInfo Baseline, ProofRunInfo Head);
