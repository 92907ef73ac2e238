namespace TraceGate.Core.Rules;

/// <summary>The <c>traces</c> section of the policy: the trace files, the baseline, the rules and the redaction detectors.</summary>
public sealed record TracesPolicy(IReadOnlyList<string> Files, IReadOnlyList<string> Baseline, IReadOnlyList<TraceRule> Rules)
{
    public IReadOnlyList<string> RedactionForbid { get; init; } = [];
    public int MinSamples { get; init; } = 20;

    /// <summary>Where the rules live, for annotations that point at a failing rule's line.</summary>
    public string? PolicyPath { get; init; }

    public static TracesPolicy None { get; } = new([], [], []);
}
