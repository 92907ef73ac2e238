namespace TraceGate.Core.TestResults;

public enum TestOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One test case from a JUnit XML or TRX file, with where it was found.</summary>
public sealed record TestCaseResult(string ResultsFile, int Line, string ClassName, string Name, TestOutcome Outcome)
{
    /// <summary>The test's source file when the report gives it (pytest xunit1, Jest with addFileAttribute).</summary>
    public string? File { get; init; }

    public string? Message { get; init; }
}

/// <summary>Input that cannot be read: names the file and line and says what was expected.</summary>
public sealed record InputError(string Path, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{Path}:{Line}: {Message}" : $"{Path}: {Message}";
}
