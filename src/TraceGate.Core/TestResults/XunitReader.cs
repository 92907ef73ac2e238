namespace TraceGate.Core.TestResults;

/// <summary>
/// xUnit.net's own XML (<c>--xml</c> of the v2 console runner and of <c>dotnet test</c> with the xunit logger;
/// v1 writes a single <c>&lt;assembly&gt;</c>): <c>&lt;test name type method result&gt;</c> with result Pass, Fail,
/// Skip or NotRun. <c>name</c> is the display name ("Ns.Class.Method(x: 1)" unless the test renames itself).
/// </summary>
internal static class XunitReader
{
    public static List<TestCaseResult> Read(XmlWalk walk)
    {
        var cases = new List<TestCaseResult>();
        int index = -1;
        bool inMessage = false;
        do
        {
            var r = walk.Reader;
            if (inMessage && r.NodeType is System.Xml.XmlNodeType.Text or System.Xml.XmlNodeType.CDATA)
            {
                string text = r.Value.Trim();
                int nl = text.IndexOf('\n');
                cases[index] = cases[index] with { Message = cases[index].Message + ": " + (nl < 0 ? text : text[..nl]).Trim() };
                inMessage = false;
            }
            else if (walk.IsStart("test"))
            {
                string type = walk.Attr("type");
                string display = walk.Attr("name");
                string name = type.Length > 0 && display.StartsWith(type + ".", StringComparison.Ordinal) ? display[(type.Length + 1)..]
                    : display.Length > 0 ? display : walk.Attr("method");
                string result = walk.Attr("result");
                var outcome = result switch
                {
                    "Pass" => TestOutcome.Passed,
                    "Fail" => TestOutcome.Failed,
                    "Skip" => TestOutcome.Skipped,
                    "NotRun" => TestOutcome.NotRun,
                    _ => TestOutcome.Failed,
                };
                cases.Add(new TestCaseResult(walk.Path, walk.Line, type, name, outcome)
                {
                    Message = outcome == TestOutcome.Passed ? null : "result " + result,
                });
                index = cases.Count - 1;
            }
            else if (r.NodeType == System.Xml.XmlNodeType.Element && r.LocalName is "message" or "reason" && index >= 0
                     && cases[index].Outcome != TestOutcome.Passed && cases[index].Message?.Contains(": ") != true)
            {
                inMessage = !r.IsEmptyElement;
            }
            else if (walk.IsEnd("test"))
            {
                index = -1;
            }
        }
        while (walk.Next());

        return cases;
    }
}
