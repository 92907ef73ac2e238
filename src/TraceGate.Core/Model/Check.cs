namespace TraceGate.Core.Model;

/// <summary>The outcome of one check. Order matters: a report sorts failures first.</summary>
public enum Outcome
{
    Fail,
    Warn,
    Pass,
    Skip,
}

/// <summary>A place in a file that a person can open: the policy line of a rule, a line of the PR description.</summary>
public sealed record SourceLocation(string Path, int Line);

/// <summary>
/// One verdict line of the report. <see cref="Id"/> is the public contract (<c>evidence.rollback</c>);
/// <see cref="Hint"/> says what to write and where, for a failing check.
/// </summary>
public sealed record Check(string Id, Outcome Outcome, string Message)
{
    public string? Hint { get; init; }
    public SourceLocation? Location { get; init; }
    public IReadOnlyList<string> Details { get; init; } = [];
}
