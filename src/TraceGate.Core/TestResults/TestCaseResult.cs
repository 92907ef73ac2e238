namespace TraceGate.Core.TestResults;

/// <summary>
/// What a runner reports for one test case. Only <see cref="Passed"/> shows that a repro ran and passed; every other
/// outcome fails <c>evidence.repro.run</c> with its reason (<see cref="PassedOnRetry"/> as <c>tests.flaky</c> says).
/// </summary>
public enum TestOutcome
{
    /// <summary>Ran and passed on its first attempt.</summary>
    Passed,

    /// <summary>An assertion failed (JUnit <c>&lt;failure&gt;</c>, TRX <c>Failed</c>, NUnit <c>Failed</c>).</summary>
    Failed,

    /// <summary>Did not get to assert: a setup, teardown, import or collection error, a crash or a timeout
    /// (JUnit <c>&lt;error&gt;</c>, TRX <c>Error</c>/<c>Timeout</c>/<c>Aborted</c>, NUnit <c>label="Error"</c>).</summary>
    Errored,

    /// <summary>Skipped when it ran (a skip call or condition: pytest <c>skip</c>, JUnit <c>&lt;skipped&gt;</c>).</summary>
    Skipped,

    /// <summary>Not run by design: disabled, ignored, pending, todo, inconclusive (googletest <c>DISABLED_</c>,
    /// NUnit <c>Ignored</c>, node <c>todo</c>, TRX <c>Inconclusive</c>).</summary>
    NotRun,

    /// <summary>Failed first, then passed on a later attempt of the same run (Surefire <c>flakyFailure</c>, a TRX
    /// that lists the test again).</summary>
    PassedOnRetry,
}

public static class TestOutcomes
{
    /// <summary>The name used in reports, in <c>tracegate tests list</c> and in the JSON report.</summary>
    public static string Name(this TestOutcome outcome) => outcome switch
    {
        TestOutcome.Passed => "passed",
        TestOutcome.Failed => "failed",
        TestOutcome.Errored => "errored",
        TestOutcome.Skipped => "skipped",
        TestOutcome.NotRun => "not-run",
        TestOutcome.PassedOnRetry => "passed-on-retry",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public static TestOutcome? Parse(string? name) => name switch
    {
        "passed" => TestOutcome.Passed,
        "failed" => TestOutcome.Failed,
        "errored" => TestOutcome.Errored,
        "skipped" => TestOutcome.Skipped,
        "not-run" => TestOutcome.NotRun,
        "passed-on-retry" => TestOutcome.PassedOnRetry,
        _ => null,
    };
}

/// <summary>One test case from a test report, with where it was found.</summary>
public sealed record TestCaseResult(string ResultsFile, int Line, string ClassName, string Name, TestOutcome Outcome)
{
    /// <summary>The test's source file when the report gives it (pytest xunit1, Jest with addFileAttribute, PHPUnit,
    /// googletest), on the case or on its enclosing suite.</summary>
    public string? File { get; init; }

    /// <summary>The enclosing suite's name: jest-junit and go-junit-report put the test file or Go package there.</summary>
    public string? SuiteName { get; init; }

    public string? Message { get; init; }

    /// <summary>How many times the run tried the case (reruns, retries, a test listed again): 1 when it ran once.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>The attempt that passed, for <see cref="TestOutcome.PassedOnRetry"/>.</summary>
    public int? PassedAttempt { get; init; }

    /// <summary>Why the outcome is not a pass, in words: "passed on attempt 2 of 2", "disabled (DISABLED_ prefix)".</summary>
    public string Reason => Outcome switch
    {
        TestOutcome.PassedOnRetry => $"passed on attempt {PassedAttempt ?? Attempts} of {Attempts}",
        TestOutcome.Failed when Attempts > 1 => $"failed on all {Attempts} attempts" + (Message is { Length: > 0 } m ? ": " + m : ""),
        _ => Message is { Length: > 0 } m ? m : Outcome.Name(),
    };
}

/// <summary>Input that cannot be read: names the file and line and says what was expected.</summary>
public sealed record InputError(string Path, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{Path}:{Line}: {Message}" : $"{Path}: {Message}";
}
