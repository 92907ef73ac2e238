namespace TraceGate.Core.TestResults;

/// <summary>
/// One report that lists the same test more than once lists its attempts: a TRX written with retries, TestNG's retry
/// analyzer (earlier attempts reported as skipped), <c>go test -count</c>, Marathon. The attempts become one case: the
/// last attempt's outcome, or <see cref="TestOutcome.PassedOnRetry"/> when the last passed and an earlier did not.
/// Cases of different reports are never merged: the matcher requires each to pass.
/// </summary>
internal static class Retries
{
    public static IReadOnlyList<TestCaseResult> Merge(IReadOnlyList<TestCaseResult> cases)
    {
        var groups = new Dictionary<(string, string, string?), List<TestCaseResult>>();
        var order = new List<List<TestCaseResult>>();
        foreach (var c in cases)
        {
            var key = (c.ClassName, c.Name, c.File);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
                order.Add(list);
            }

            list.Add(c);
        }

        if (order.Count == cases.Count)
        {
            return cases;
        }

        return order.Select(Combine).ToList();
    }

    private static TestCaseResult Combine(List<TestCaseResult> attempts)
    {
        if (attempts.Count == 1)
        {
            return attempts[0];
        }

        var first = attempts[0];
        var last = attempts[^1];
        int lastNotPassed = attempts.FindLastIndex(a => a.Outcome != TestOutcome.Passed);
        int count = attempts.Sum(a => a.Attempts);
        if (lastNotPassed < 0)
        {
            return first with { Attempts = count };
        }

        if (last.Outcome == TestOutcome.Passed)
        {
            int passedAt = attempts.Take(lastNotPassed + 1).Sum(a => a.Attempts) + 1;
            return first with
            {
                Outcome = TestOutcome.PassedOnRetry,
                Attempts = count,
                PassedAttempt = passedAt,
                Message = attempts[lastNotPassed].Reason,
            };
        }

        return first with { Outcome = last.Outcome, Attempts = count, Message = last.Message };
    }
}
