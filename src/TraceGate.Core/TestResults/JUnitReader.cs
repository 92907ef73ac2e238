namespace TraceGate.Core.TestResults;

/// <summary>
/// JUnit XML as the runners write it. The outcome of a <c>&lt;testcase&gt;</c>, from its children and attributes:
/// <list type="bullet">
/// <item><c>&lt;failure&gt;</c>: failed; <c>&lt;error&gt;</c> without a failure: errored (pytest's setup and
/// collection errors, jest's "Test suite failed to run", an unexpected exception in Surefire).</item>
/// <item><c>&lt;skipped&gt;</c>: skipped, or not run when it says todo (node's <c>type="todo"</c>).</item>
/// <item>googletest's <c>status="notrun"</c> and <c>result="suppressed"</c> (a <c>DISABLED_</c> test), tst's and
/// CTest's <c>status="disabled"</c>/<c>"notrun"</c>: not run, though no child says so.</item>
/// <item>Surefire's and nextest's <c>&lt;flakyFailure&gt;</c>/<c>&lt;flakyError&gt;</c> without a failure: passed on
/// retry, one attempt per flaky element before the pass; <c>&lt;rerunFailure&gt;</c>/<c>&lt;rerunError&gt;</c> with
/// the failure: failed on every attempt.</item>
/// </list>
/// </summary>
internal static class JUnitReader
{
    private sealed class Open(TestCaseResult start, int depth)
    {
        public TestCaseResult Case { get; } = start;
        public int Depth { get; } = depth;
        public string? Failure { get; set; }
        public string? Error { get; set; }
        public string? Skipped { get; set; }
        public bool Todo { get; set; }
        public int Flaky { get; set; }
        public int Reruns { get; set; }
    }

    /// <summary>Hands each case to <paramref name="cases"/> as soon as its element ends: a report at the size limit
    /// holds 7 million cases, which as a list took 1.7 GiB before any was matched.</summary>
    public static void Read(XmlWalk walk, CaseSink cases)
    {
        // The enclosing suites' names and files: jest-junit and go-junit-report name the file or package only there,
        // PHPUnit puts the file on the suite too.
        var suites = new Stack<(int Depth, string Name, string? File)>();
        Open? open = null;
        do
        {
            var r = walk.Reader;
            if (r.NodeType == System.Xml.XmlNodeType.Element && r.LocalName == "testsuite")
            {
                while (suites.Count > 0 && suites.Peek().Depth >= r.Depth)
                {
                    suites.Pop();
                }

                if (!r.IsEmptyElement)
                {
                    string? file = r.GetAttribute("file") ?? (suites.Count > 0 ? suites.Peek().File : null);
                    suites.Push((r.Depth, walk.Attr("name"), file));
                }
            }
            else if (walk.IsEnd("testsuite"))
            {
                if (suites.Count > 0)
                {
                    suites.Pop();
                }
            }
            else if (walk.IsStart("testcase"))
            {
                Flush();
                var suite = suites.Count > 0 ? suites.Peek() : default;
                var start = new TestCaseResult(walk.Path, walk.Line, walk.Attr("classname"), walk.Attr("name"), StatusOutcome(walk))
                {
                    File = r.GetAttribute("file") ?? suite.File,
                    SuiteName = suite.Name,
                    Message = StatusMessage(walk),
                };
                open = new Open(start, r.Depth);
                if (r.IsEmptyElement)
                {
                    Flush();
                }
            }
            else if (r.NodeType == System.Xml.XmlNodeType.Element && open is not null && r.Depth == open.Depth + 1)
            {
                string message = r.GetAttribute("message") is { Length: > 0 } m ? m : r.GetAttribute("type") ?? "";
                switch (r.LocalName)
                {
                    case "failure":
                        open.Failure ??= message.Length > 0 ? message : "failure";
                        break;
                    case "error":
                        open.Error ??= message.Length > 0 ? message : "error";
                        break;
                    case "skipped":
                        open.Skipped ??= r.GetAttribute("message") is { Length: > 0 } sm && sm != "true" ? sm : "";
                        open.Todo |= r.GetAttribute("type") == "todo";
                        break;
                    case "flakyFailure" or "flakyError":
                        open.Flaky++;
                        break;
                    case "rerunFailure" or "rerunError":
                        open.Reruns++;
                        break;
                }
            }
            else if (walk.IsEnd("testcase"))
            {
                Flush();
            }
        }
        while (walk.Next());

        Flush();

        void Flush()
        {
            if (open is null)
            {
                return;
            }

            var c = open.Case;
            if (open.Failure is not null)
            {
                c = c with { Outcome = TestOutcome.Failed, Message = open.Failure, Attempts = 1 + open.Reruns + open.Flaky };
            }
            else if (open.Error is not null)
            {
                c = c with { Outcome = TestOutcome.Errored, Message = open.Error, Attempts = 1 + open.Reruns + open.Flaky };
            }
            else if (open.Skipped is not null && c.Outcome == TestOutcome.Passed)
            {
                c = c with
                {
                    Outcome = open.Todo ? TestOutcome.NotRun : TestOutcome.Skipped,
                    Message = open.Todo ? "todo" + (open.Skipped.Length > 0 ? ": " + open.Skipped : "") : open.Skipped.Length > 0 ? open.Skipped : null,
                };
            }
            else if (open.Flaky > 0 && c.Outcome == TestOutcome.Passed)
            {
                c = c with { Outcome = TestOutcome.PassedOnRetry, Attempts = open.Flaky + 1, PassedAttempt = open.Flaky + 1 };
            }

            cases.Add(c);
            open = null;
        }
    }

    /// <summary>What the attributes alone say: googletest, tst and CTest put the state there.</summary>
    private static TestOutcome StatusOutcome(XmlWalk walk)
    {
        string status = walk.Attr("status").ToLowerInvariant();
        string result = walk.Attr("result").ToLowerInvariant();
        return (status, result) switch
        {
            (_, "suppressed") or ("notrun" or "disabled", _) => TestOutcome.NotRun,
            ("errored" or "error", _) => TestOutcome.Errored,
            ("failed" or "fail" or "failure", _) => TestOutcome.Failed,
            ("skipped" or "skip", _) => TestOutcome.Skipped,
            _ => TestOutcome.Passed,
        };
    }

    private static string? StatusMessage(XmlWalk walk)
    {
        string status = walk.Attr("status");
        string result = walk.Attr("result");
        return result == "suppressed" ? "disabled (status=\"notrun\" result=\"suppressed\")"
            : status is "notrun" or "disabled" ? $"not run (status=\"{status}\")"
            : status is "errored" or "error" or "failed" or "fail" or "failure" ? $"status=\"{status}\""
            : null;
    }
}
