using System.Xml;

namespace TraceGate.Core.TestResults;

/// <param name="Cases">The cases kept (every case, unless the read was given what to keep), retries merged.</param>
public sealed record TestResultsReadResult(IReadOnlyList<TestCaseResult> Cases, InputError? Error)
{
    /// <summary>How many test cases the file holds (retries merged), kept or not.</summary>
    public long Count { get; init; } = Cases.Count;
}

/// <summary>
/// Reads the test report formats runners write, detected from the root element: JUnit XML (<c>testsuites</c>,
/// <c>testsuite</c>: pytest, Surefire, Jest, vitest, Playwright, Go, nextest, PHPUnit, googletest, Catch2...), TRX
/// (<c>TestRun</c>), NUnit 3 (<c>test-run</c>), NUnit 2 (<c>test-results</c>) and xUnit.net v1/v2 (<c>assemblies</c>,
/// <c>assembly</c>). Streaming, with DTDs prohibited and the size and nesting bounded: a report is an artifact of the
/// PR's own test run.
/// </summary>
public static class TestResultsReader
{
    /// <summary>Deeper than any report seen (Catch2 and node nest suites a few levels; the corpus tops out at 9).</summary>
    public const int MaxDepth = 256;

    public const long MaxCharacters = 512L * 1024 * 1024;

    public static TestResultsReadResult Read(string path, Stream content) => Read(path, content, null);

    /// <summary>
    /// Reads a report, keeping only the cases <paramref name="keep"/> accepts (null: every case), and counting all.
    /// JUnit XML is handed on case by case as it is read; the other formats join parts of a case from several
    /// elements (TRX definitions and results, NUnit and xUnit failure texts) and go through the same seam per file.
    /// </summary>
    public static TestResultsReadResult Read(string path, Stream content, Func<TestCaseResult, bool>? keep)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = MaxCharacters,
        };
        XmlReader? reader = null;
        try
        {
            // Create reads the first bytes (the encoding), so it can throw too.
            reader = XmlReader.Create(content, settings);
            var walk = new XmlWalk(path, reader);
            if (reader.MoveToContent() != XmlNodeType.Element)
            {
                return Fail(path, walk.Line, "expected an XML test report: <testsuites>, <testsuite>, <TestRun>, <test-run>, <test-results> or <assemblies>");
            }

            var sink = new CaseSink(keep);
            switch (reader.LocalName)
            {
                case "testsuites" or "testsuite": JUnitReader.Read(walk, sink); break;
                case "TestRun": sink.AddRange(TrxReader.Read(walk)); break;
                case "test-run": sink.AddRange(NUnitReader.ReadNUnit3(walk)); break;
                case "test-results": sink.AddRange(NUnitReader.ReadNUnit2(walk)); break;
                case "assemblies" or "assembly": sink.AddRange(XunitReader.Read(walk)); break;
                default:
                    return Fail(path, walk.Line, $"root element <{reader.LocalName}> is not a test report: expected <testsuites> or <testsuite> (JUnit XML), <TestRun> (TRX), <test-run> (NUnit 3), <test-results> (NUnit 2) or <assemblies> (xUnit.net)");
            }

            var merged = Retries.Merge(sink.Kept);
            return new TestResultsReadResult(merged, null) { Count = keep is null ? merged.Count : sink.Distinct };
        }
        catch (ReportTooDeepException e)
        {
            return Fail(path, e.Line, $"elements nest deeper than {MaxDepth} levels: not a test report");
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

    private static TestResultsReadResult Fail(string path, int line, string message) => new([], new InputError(path, line, message));

    private static string StripPosition(string message)
    {
        int i = message.IndexOf(" Line ", StringComparison.Ordinal);
        return i > 0 ? message[..i].TrimEnd(',', ' ') : message;
    }
}

/// <summary>The reader with its line info and the nesting bound, shared by the format readers.</summary>
internal sealed class XmlWalk(string path, XmlReader reader)
{
    private readonly IXmlLineInfo info = (IXmlLineInfo)reader;

    public string Path { get; } = path;

    public XmlReader Reader { get; } = reader;

    public int Line => info.LineNumber;

    /// <summary>The next node; false at the end. Throws <see cref="ReportTooDeepException"/> over the bound.</summary>
    public bool Next()
    {
        if (!Reader.Read())
        {
            return false;
        }

        if (Reader.Depth > TestResultsReader.MaxDepth)
        {
            throw new ReportTooDeepException(Line);
        }

        return true;
    }

    public string Attr(string name) => Reader.GetAttribute(name) ?? "";

    public bool IsStart(string name) => Reader.NodeType == XmlNodeType.Element && Reader.LocalName == name;

    public bool IsEnd(string name) => Reader.NodeType == XmlNodeType.EndElement && Reader.LocalName == name;
}

internal sealed class ReportTooDeepException(int line) : Exception
{
    public int Line { get; } = line;
}
