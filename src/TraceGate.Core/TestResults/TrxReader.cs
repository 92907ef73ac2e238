namespace TraceGate.Core.TestResults;

/// <summary>
/// TRX (Visual Studio Test Results), written by <c>dotnet test --logger trx</c>, vstest and Azure Pipelines. Results
/// join their method through <c>testId</c>. A result inside another's <c>&lt;InnerResults&gt;</c> (an MSTest data row)
/// is summarised by its parent and not read twice; a test listed again (a rerun) is a further attempt.
/// </summary>
internal static class TrxReader
{
    private sealed record Result(string TestId, string TestName, string Outcome, int Line, string? Message);

    public static List<TestCaseResult> Read(XmlWalk walk)
    {
        var results = new List<Result>();
        var methods = new Dictionary<string, (string ClassName, string Name)>(StringComparer.OrdinalIgnoreCase);
        string? unitTestId = null;
        int innerDepth = int.MaxValue;
        int resultIndex = -1;
        bool inMessage = false;
        do
        {
            var r = walk.Reader;
            if (inMessage && r.NodeType is System.Xml.XmlNodeType.Text or System.Xml.XmlNodeType.CDATA)
            {
                // <Output><ErrorInfo><Message>: the assertion's text.
                results[resultIndex] = results[resultIndex] with { Message = FirstLine(r.Value) };
                inMessage = false;
                continue;
            }

            if (walk.IsEnd("InnerResults") && r.Depth <= innerDepth)
            {
                innerDepth = int.MaxValue;
                continue;
            }

            if (r.NodeType != System.Xml.XmlNodeType.Element)
            {
                continue;
            }

            switch (r.LocalName)
            {
                case "InnerResults" when !r.IsEmptyElement && innerDepth == int.MaxValue:
                    innerDepth = r.Depth;
                    break;
                case "UnitTestResult" when r.Depth <= innerDepth:
                    results.Add(new Result(walk.Attr("testId"), walk.Attr("testName"), walk.Attr("outcome"), walk.Line, null));
                    resultIndex = results.Count - 1;
                    break;
                case "Message" when resultIndex >= 0 && r.Depth <= innerDepth && results[resultIndex].Message is null:
                    inMessage = !r.IsEmptyElement;
                    break;
                case "UnitTest":
                    unitTestId = r.GetAttribute("id");
                    resultIndex = -1;
                    break;
                case "TestMethod" when unitTestId is not null:
                    methods[unitTestId] = (walk.Attr("className"), walk.Attr("name"));
                    break;
            }
        }
        while (walk.Next());

        return results.Select(r =>
        {
            var (className, method) = methods.TryGetValue(r.TestId, out var m) ? m : ("", r.TestName);
            // TRX className may carry the assembly after a comma ("Ns.Class, Assembly").
            className = className.Split(',')[0].Trim();
            // testName keeps a theory's arguments ("Ns.Class.Method(x: 1)" or "Method(1)"), which tell rows apart.
            string name = r.TestName.Length == 0 ? method
                : className.Length > 0 && r.TestName.StartsWith(className + ".", StringComparison.Ordinal) ? r.TestName[(className.Length + 1)..]
                : r.TestName;
            var outcome = Outcome(r.Outcome);
            return new TestCaseResult(walk.Path, r.Line, className, name, outcome)
            {
                Message = outcome == TestOutcome.Passed ? null : $"outcome {r.Outcome}" + (r.Message is { Length: > 0 } text ? ": " + text : ""),
            };
        }).ToList();
    }

    /// <summary>The TRX outcome values (vstest's TestOutcome and the TRX schema's).</summary>
    private static TestOutcome Outcome(string trx) => trx switch
    {
        "Passed" or "PassedButRunAborted" => TestOutcome.Passed,
        "Failed" => TestOutcome.Failed,
        "Error" or "Timeout" or "Aborted" => TestOutcome.Errored,
        "NotExecuted" => TestOutcome.Skipped,
        "Inconclusive" or "Pending" or "NotRunnable" or "Disconnected" or "InProgress" => TestOutcome.NotRun,
        _ => TestOutcome.Failed,
    };

    private static string FirstLine(string text)
    {
        text = text.Trim();
        int nl = text.IndexOf('\n');
        return (nl < 0 ? text : text[..nl]).Trim();
    }
}
