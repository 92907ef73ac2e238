using TraceGate.Core.Evidence;
using TraceGate.Core.TestResults;

namespace TraceGate.Core.Gates;

/// <summary>What the host read for the evidence gate. A null member was not given at all.</summary>
public sealed record EvidenceInputs
{
    public string? PrBody { get; init; }

    /// <summary>Commit messages in the order given (git log order: newest first).</summary>
    public IReadOnlyList<string>? CommitMessages { get; init; }

    /// <summary>Commit ids matching <see cref="CommitMessages"/>, when they came from a git range.</summary>
    public IReadOnlyList<string>? CommitIds { get; init; }

    /// <summary>Test cases from the result files, or null when no test results were given.</summary>
    public IReadOnlyList<TestCaseResult>? TestCases { get; init; }

    /// <summary>How many cases the result files held, when only those the repro references can match were kept in
    /// <see cref="TestCases"/>; null: all of them are there.</summary>
    public long? TestCaseCount { get; init; }

    public IReadOnlyList<string> TestResultFiles { get; init; } = [];

    /// <summary>The checkout's PR templates (or the one --pr-template names): a value that is only their text for
    /// the field is a placeholder.</summary>
    public IReadOnlyList<PrTemplate> PrTemplates { get; init; } = [];

    /// <summary><c>tests.flaky</c> from the policy.</summary>
    public Policy.FlakyMode Flaky { get; init; } = Policy.FlakyMode.Fail;

    public required IWorkspace Workspace { get; init; }

    /// <summary>Labels, title, branch, author and changed files, for evidence.when, conditional requirements and
    /// the labels source.</summary>
    public PullRequestFacts Facts { get; init; } = PullRequestFacts.None;
}
