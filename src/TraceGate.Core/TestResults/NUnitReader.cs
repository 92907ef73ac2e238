namespace TraceGate.Core.TestResults;

/// <summary>
/// NUnit's own XML. NUnit 3 (<c>&lt;test-run&gt;</c>, nunit3-console and the NUnit3TestAdapter): each
/// <c>&lt;test-case&gt;</c> has <c>classname</c>, <c>methodname</c>, <c>name</c> (with arguments) and <c>result</c>
/// Passed, Failed, Skipped, Inconclusive or Warning, refined by <c>label</c> (Error, Cancelled, Invalid, Ignored,
/// Explicit) and <c>site</c> (SetUp, TearDown, Parent). NUnit 2 (<c>&lt;test-results&gt;</c>): <c>name</c> is the
/// fully qualified method and <c>result</c> Success, Failure, Error, Ignored, Inconclusive, NotRunnable, Skipped or
/// Cancelled, with <c>executed</c> and <c>success</c> (older writers give only those two).
/// </summary>
internal static class NUnitReader
{
    public static List<TestCaseResult> ReadNUnit3(XmlWalk walk) => Read(walk, static w =>
    {
        string name = w.Attr("name");
        string fullName = w.Attr("fullname");
        // Older NUnit 3 writers give only fullname ("Ns.Class.Method"): the class is what precedes the name.
        string className = w.Attr("classname") is { Length: > 0 } cn ? cn
            : fullName.EndsWith("." + name, StringComparison.Ordinal) ? fullName[..^(name.Length + 1)] : "";
        var (outcome, reason) = Outcome3(w.Attr("result"), w.Attr("label"), w.Attr("site"));
        return (className, name, outcome, reason);
    });

    public static List<TestCaseResult> ReadNUnit2(XmlWalk walk) => Read(walk, static w =>
    {
        // "Ns.Class.Method(args)": the class is what comes before the last dot outside the arguments.
        string full = w.Attr("name");
        int paren = full.IndexOf('(');
        int dot = (paren < 0 ? full : full[..paren]).LastIndexOf('.');
        string className = dot > 0 ? full[..dot] : "";
        string name = dot > 0 ? full[(dot + 1)..] : full;
        var (outcome, reason) = Outcome2(w.Attr("result"), w.Attr("executed"), w.Attr("success"));
        return (className, name, outcome, reason);
    });

    /// <summary>The walk both versions share: a case per <c>test-case</c> (its names and outcome from
    /// <paramref name="caseOf"/>), and the first line of a <c>message</c> inside a case that did not pass.</summary>
    private static List<TestCaseResult> Read(XmlWalk walk, Func<XmlWalk, (string ClassName, string Name, TestOutcome Outcome, string? Reason)> caseOf)
    {
        var cases = new List<TestCaseResult>();
        int index = -1;
        int caseDepth = -1;
        bool inMessage = false;
        do
        {
            var r = walk.Reader;
            if (inMessage && r.NodeType is System.Xml.XmlNodeType.Text or System.Xml.XmlNodeType.CDATA)
            {
                cases[index] = cases[index] with { Message = Join(cases[index].Message, FirstLine(r.Value)) };
                inMessage = false;
            }
            else if (walk.IsStart("test-case"))
            {
                var (className, name, outcome, reason) = caseOf(walk);
                cases.Add(new TestCaseResult(walk.Path, walk.Line, className, name, outcome)
                {
                    Message = outcome == TestOutcome.Passed ? null : reason,
                });
                index = cases.Count - 1;
                caseDepth = r.Depth;
            }
            else if (r.NodeType == System.Xml.XmlNodeType.Element && r.LocalName == "message" && index >= 0 && r.Depth > caseDepth
                     && cases[index].Outcome != TestOutcome.Passed)
            {
                inMessage = !r.IsEmptyElement;
            }
            else if (walk.IsEnd("test-case"))
            {
                caseDepth = int.MaxValue;
            }
        }
        while (walk.Next());

        return cases;
    }

    private static (TestOutcome, string) Outcome3(string result, string label, string site)
    {
        string said = "result " + result + (label.Length > 0 ? $" ({label})" : "") + (site is "SetUp" or "TearDown" or "Parent" ? $" in {site}" : "");
        return result switch
        {
            "Passed" => (TestOutcome.Passed, said),
            "Failed" when label is "Error" or "Cancelled" or "Invalid" || site is "SetUp" or "TearDown" or "Parent" => (TestOutcome.Errored, said),
            "Failed" => (TestOutcome.Failed, said),
            "Skipped" when label is "Ignored" or "Explicit" => (TestOutcome.NotRun, said),
            "Skipped" => (TestOutcome.Skipped, said),
            "Inconclusive" => (TestOutcome.NotRun, said),
            _ => (TestOutcome.Failed, said),
        };
    }

    private static (TestOutcome, string) Outcome2(string result, string executed, string success)
    {
        string said = result.Length > 0 ? "result " + result : $"executed={executed} success={success}";
        return result switch
        {
            "Success" => (TestOutcome.Passed, said),
            "Failure" => (TestOutcome.Failed, said),
            "Error" or "NotRunnable" or "Cancelled" => (TestOutcome.Errored, said),
            "Ignored" or "Inconclusive" => (TestOutcome.NotRun, said),
            "Skipped" => (TestOutcome.Skipped, said),
            "" when executed.Equals("false", StringComparison.OrdinalIgnoreCase) => (TestOutcome.NotRun, said),
            "" when success.Equals("true", StringComparison.OrdinalIgnoreCase) => (TestOutcome.Passed, said),
            _ => (TestOutcome.Failed, said),
        };
    }

    private static string Join(string? first, string second) => second.Length == 0 ? first ?? "" : first is null ? second : first + ": " + second;

    private static string FirstLine(string text)
    {
        text = text.Trim();
        int nl = text.IndexOf('\n');
        return (nl < 0 ? text : text[..nl]).Trim();
    }
}
