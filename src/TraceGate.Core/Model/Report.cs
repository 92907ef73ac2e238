namespace TraceGate.Core.Model;

public enum Conclusion
{
    Success,
    Failure,

    /// <summary>Nothing failed, but at least one check could not be judged: neutral, and exit code 0.</summary>
    Inconclusive,
}

/// <summary>Everything the renderers need: the one result model in the middle of the pipeline.</summary>
public sealed record Report(
    Conclusion Conclusion,
    IReadOnlyList<Check> Checks,
    IReadOnlyDictionary<string, EvidenceValue> Evidence,
    IReadOnlyList<ChecklistItem> Checklist,
    IReadOnlyList<Trailer> Trailers)
{
    /// <summary>Evidence field names in policy order, so reports list them as the policy does.</summary>
    public IReadOnlyList<string> FieldOrder { get; init; } = [];

    /// <summary>Where the policy came from, or a note that the documented defaults were used.</summary>
    public string PolicyDescription { get; init; } = "";

    public bool PolicyIsDefault { get; init; }

    /// <summary>Link templates per field (<c>{value}</c>), used to make values into links.</summary>
    public IReadOnlyDictionary<string, string> Links { get; init; } = new Dictionary<string, string>();

    /// <summary>The trace-id field's link template even when evidence was not checked, for trace offenders.</summary>
    public string? TraceLink { get; init; }

    /// <summary>The program and version that computed the verdict; null only for reports read from an older file.</summary>
    public ToolInfo? Tool { get; init; }

    /// <summary>The repro before and after the fix, when the run judged a proof.</summary>
    public ProofSummary? Proof { get; init; }

    public int Failed => Checks.Count(c => c.Outcome == Outcome.Fail);

    public int Warned => Checks.Count(c => c.Outcome == Outcome.Warn);

    public int Inconclusive => Checks.Count(c => c.Outcome == Outcome.Inconclusive);

    /// <summary>A failure fails the run; otherwise a check that could not be judged makes it inconclusive.</summary>
    public static Conclusion ConclusionOf(IEnumerable<Check> checks)
    {
        var list = checks as IReadOnlyCollection<Check> ?? checks.ToList();
        return list.Any(c => c.Outcome == Outcome.Fail) ? Conclusion.Failure
            : list.Any(c => c.Outcome == Outcome.Inconclusive) ? Conclusion.Inconclusive
            : Conclusion.Success;
    }
}
