using System.Xml;

namespace TraceGate.Core.TestResults;

public sealed record TestResultsReadResult(IReadOnlyList<TestCaseResult> Cases, InputError? Error);

/// <summary>
/// Reads JUnit XML (pytest, Maven Surefire, Jest, dotnet test's JUnit logger) and TRX, detected from the root
/// element. Streaming, with DTDs prohibited: a results file is an artifact of the PR's own test run.
/// </summary>
public static class TestResultsReader
{
    public static TestResultsReadResult Read(string path, Stream content)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = 512L * 1024 * 1024,
        };
        XmlReader? reader = null;
        try
        {
            // Create reads the first bytes (the encoding), so it can throw too.
            reader = XmlReader.Create(content, settings);
            var info = (IXmlLineInfo)reader;
            if (reader.MoveToContent() != XmlNodeType.Element)
            {
                return Fail(path, info, "expected an XML document with <testsuites>, <testsuite> or <TestRun>");
            }

            return reader.LocalName switch
            {
                "testsuites" or "testsuite" => new TestResultsReadResult(ReadJUnit(path, reader, info), null),
                "TestRun" => new TestResultsReadResult(ReadTrx(path, reader, info), null),
                var other => Fail(path, info, $"root element <{other}> is not a test report: expected <testsuites> or <testsuite> (JUnit XML) or <TestRun> (TRX)"),
            };
        }
        catch (XmlException e)
        {
            return new TestResultsReadResult([], new InputError(path, e.LineNumber, "malformed XML: " + StripPosition(e.Message)));
        }
        catch (ArgumentException e)
        {
            // System.Xml's own failure on some encoding declarations (found by fuzzing): still the file's fault.
            return new TestResultsReadResult([], new InputError(path, (reader as IXmlLineInfo)?.LineNumber ?? 0,
                "the XML cannot be read (its encoding declaration?): " + e.Message.Split(" (Parameter", 2)[0]));
        }
        finally
        {
            reader?.Dispose();
        }
    }

    private static TestResultsReadResult Fail(string path, IXmlLineInfo info, string message) =>
        new([], new InputError(path, info.LineNumber, message));

    private static List<TestCaseResult> ReadJUnit(string path, XmlReader reader, IXmlLineInfo info)
    {
        var cases = new List<TestCaseResult>();
        TestCaseResult? current = null;
        int caseDepth = -1;
        do
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "testcase")
            {
                Flush();
                current = new TestCaseResult(path, info.LineNumber, reader.GetAttribute("classname") ?? "",
                    reader.GetAttribute("name") ?? "", TestOutcome.Passed)
                {
                    File = reader.GetAttribute("file"),
                };
                caseDepth = reader.Depth;
                if (reader.IsEmptyElement)
                {
                    Flush();
                }
            }
            else if (reader.NodeType == XmlNodeType.Element && current is not null && reader.Depth == caseDepth + 1)
            {
                switch (reader.LocalName)
                {
                    case "failure" or "error":
                        current = current with { Outcome = TestOutcome.Failed, Message = reader.GetAttribute("message") ?? reader.LocalName };
                        break;
                    case "skipped" when current.Outcome != TestOutcome.Failed:
                        current = current with { Outcome = TestOutcome.Skipped, Message = reader.GetAttribute("message") };
                        break;
                }
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "testcase")
            {
                Flush();
            }
        }
        while (reader.Read());

        Flush();
        return cases;

        void Flush()
        {
            if (current is not null)
            {
                cases.Add(current);
                current = null;
            }
        }
    }

    private static List<TestCaseResult> ReadTrx(string path, XmlReader reader, IXmlLineInfo info)
    {
        var results = new List<(string TestId, string TestName, string Outcome, int Line)>();
        var classNames = new Dictionary<string, (string ClassName, string Name)>(StringComparer.OrdinalIgnoreCase);
        string? unitTestId = null;
        do
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (reader.LocalName)
            {
                case "UnitTestResult":
                    results.Add((reader.GetAttribute("testId") ?? "", reader.GetAttribute("testName") ?? "",
                        reader.GetAttribute("outcome") ?? "", info.LineNumber));
                    break;
                case "UnitTest":
                    unitTestId = reader.GetAttribute("id");
                    break;
                case "TestMethod" when unitTestId is not null:
                    classNames[unitTestId] = (reader.GetAttribute("className") ?? "", reader.GetAttribute("name") ?? "");
                    break;
            }
        }
        while (reader.Read());

        return results.Select(r =>
        {
            var (className, method) = classNames.TryGetValue(r.TestId, out var c) ? c : ("", r.TestName);
            // TRX className may carry the assembly after a comma ("Ns.Class, Assembly"); the name may be qualified.
            className = className.Split(',')[0].Trim();
            string name = method.Length > 0 ? method : r.TestName;
            var outcome = r.Outcome switch
            {
                "Passed" or "PassedButRunAborted" => TestOutcome.Passed,
                "NotExecuted" or "Inconclusive" or "Pending" or "NotRunnable" or "Disconnected" or "Warning" => TestOutcome.Skipped,
                _ => TestOutcome.Failed,
            };
            return new TestCaseResult(path, r.Line, className, name, outcome)
            {
                Message = outcome == TestOutcome.Passed ? null : $"outcome {r.Outcome}",
            };
        }).ToList();
    }

    private static string StripPosition(string message)
    {
        int i = message.IndexOf(" Line ", StringComparison.Ordinal);
        return i > 0 ? message[..i].TrimEnd(',', ' ') : message;
    }
}
