using TraceGate.Core.Evidence;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.TestResults;

namespace TraceGate.Core.Gates;

/// <summary>
/// The verdict of <c>evidence.&lt;field&gt;.run</c> on the cases a repro reference matched: every one must have
/// passed. A case that passed only on a retry fails by default (<c>tests.flaky: fail</c>), warns with
/// <c>warn</c> and counts as passed with <c>pass</c>; every other outcome fails, with its reason and place.
/// </summary>
public static class ReproVerdict
{
    public static Check Of(string id, TestRef testRef, IReadOnlyList<TestCaseResult> matches, FlakyMode flaky)
    {
        var bad = matches.Where(m => m.Outcome != TestOutcome.Passed && !(m.Outcome == TestOutcome.PassedOnRetry && flaky != FlakyMode.Fail)).ToList();
        var retried = matches.Where(m => m.Outcome == TestOutcome.PassedOnRetry).ToList();
        var first = bad.FirstOrDefault() ?? retried.FirstOrDefault() ?? matches[0];
        var repro = new ReproRun(testRef.ToString(), first.Outcome.Name(), matches.Select(m =>
            new ReproCase(m.ResultsFile, m.Line, Display(m), m.Outcome.Name(), m.Attempts)
            {
                Reason = m.Outcome == TestOutcome.Passed ? null : m.Reason,
            }).ToList());
        var details = matches.Count > 1 ? matches.Select(m => $"{Where(m)}: {Display(m)}: {m.Outcome.Name()}" + (m.Outcome == TestOutcome.Passed ? "" : $" ({m.Reason})")).ToList() : [];
        string several = matches.Count > 1 ? $"{bad.Count} of the {matches.Count} test cases it matches did not pass; " : "";

        if (bad.Count > 0)
        {
            var b = bad[0];
            string what = b.Outcome switch
            {
                TestOutcome.Failed => $"failed: {b.Reason}",
                TestOutcome.Errored => $"errored before its assertions could decide: {b.Reason}",
                TestOutcome.Skipped => "was skipped" + (b.Message is { Length: > 0 } m ? $": {m}" : ""),
                TestOutcome.NotRun => $"was not run: {b.Reason}",
                TestOutcome.PassedOnRetry => $"is flaky: {b.Reason}",
                _ => b.Outcome.Name(),
            };
            return new Check(id, Outcome.Fail, $"{testRef} {several}{what} ({Where(b)})")
            {
                Hint = b.Outcome switch
                {
                    TestOutcome.PassedOnRetry => "A repro that passes only on a retry is not a deterministic reproduction: make it pass on its first attempt, or set tests.flaky: warn (or pass) in the policy.",
                    TestOutcome.Skipped or TestOutcome.NotRun => "The repro must run in this CI job: remove the skip, DISABLED_ prefix, todo or ignore, or run the job that enables it.",
                    TestOutcome.Errored => "The repro did not get to its assertions (a setup, import or collection error): fix the error so the test runs.",
                    _ => matches.Count > 1 ? "Every test case the reference matches must pass; name one of them more precisely to check only it." : null,
                },
                Details = details,
                Repro = repro,
            };
        }

        if (retried.Count > 0 && flaky == FlakyMode.Warn)
        {
            var r = retried[0];
            return new Check(id, Outcome.Warn, $"{testRef} passed, but only on a retry: {r.Reason} ({Where(r)})")
            {
                Hint = "A repro that passes only on a retry is not a deterministic reproduction (tests.flaky: warn).",
                Details = details,
                Repro = repro,
            };
        }

        string note = retried.Count > 0 ? $"; {retried[0].Reason}, allowed by tests.flaky: pass" : "";
        return new Check(id, Outcome.Pass, $"{testRef} passed ({Where(matches[0])})" + (matches.Count > 1 ? $", {matches.Count} cases" : "") + note)
        {
            Details = details,
            Repro = repro,
        };
    }

    private static string Where(TestCaseResult c) => $"{c.ResultsFile}:{c.Line}";

    private static string Display(TestCaseResult c) => c.ClassName.Length > 0 && c.ClassName != c.Name ? $"{c.ClassName} {c.Name}" : c.Name;
}
