using System.Text.Json;
using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary><c>tracegate tests list</c>, and where test-result globs may point: CI-given ones anywhere, policy ones
/// inside the checkout only.</summary>
public sealed class TestResultsPathsTests : IDisposable
{
    private const string Body = "Incident: INC-2471\nPrimary trace: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\nInvariant: never negative\nRepro: tests/Pay.Tests/FeeTests.cs::GuardFires\nRollback: revert\n";
    private const string Trx = """
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
        <UnitTestResult testId="1" testName="GuardFires" outcome="Passed"/>
        </Results><TestDefinitions><UnitTest id="1"><TestMethod className="Pay.Tests.FeeTests" name="GuardFires"/></UnitTest></TestDefinitions></TestRun>
        """;

    private readonly TempDir _ws = new();
    private readonly TempDir _agent = new();
    private readonly TempDir _elsewhere = new();

    public TestResultsPathsTests()
    {
        _ws.Write("tests/Pay.Tests/FeeTests.cs", "class FeeTests {}\n");
        _ws.Write("pr.md", Body);
        _agent.Write("TestResults/run1.trx", Trx);
    }

    public void Dispose()
    {
        _ws.Dispose();
        _agent.Dispose();
        _elsewhere.Dispose();
    }

    [Fact]
    public void Check_AbsoluteTestResultsOutsideTheCheckout_FromAnyFolder_VerifiesTheRepro()
    {
        string glob = Path.Combine(_agent.Path, "TestResults", "*.trx");
        var r = CliHarness.Run(_elsewhere.Path, "check", "--workspace", _ws.Path, "--pr-body", Path.Combine(_ws.Path, "pr.md"), "--test-results", glob);
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain($"tests/Pay.Tests/FeeTests.cs::GuardFires passed ({Path.Combine(_agent.Path, "TestResults", "run1.trx")}:2)");
    }

    [Fact]
    public void Check_TestResultsFromTheEnvironment_MayLeaveTheCheckoutWithDotDot()
    {
        string relative = Path.GetRelativePath(_ws.Path, Path.Combine(_agent.Path, "TestResults")) + "/*.trx";
        var env = new Dictionary<string, string?> { ["TRACEGATE_TEST_RESULTS"] = relative };
        var r = CliHarness.Run(_ws.Path, env, "check", "--pr-body", "pr.md");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("GuardFires passed");
    }

    [Fact]
    public void Check_PolicyGlobOutsideTheCheckout_IsRefusedWithTheKey()
    {
        _ws.Write(".tracegate.yml", $"tests:\n  results:\n    - {Path.Combine(_agent.Path, "TestResults", "*.trx")}\n");
        var r = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain(".tracegate.yml:3: tests.results").And.Contain("absolute path");
    }

    [Fact]
    public void Check_PolicyGlobMatchingALinkOutOfTheCheckout_SaysWhichFileWasRefused()
    {
        Directory.CreateDirectory(_ws.File("artifacts"));
        File.CreateSymbolicLink(_ws.File("artifacts/results"), Path.Combine(_agent.Path, "TestResults"));
        _ws.Write(".tracegate.yml", "tests:\n  results:\n    - artifacts/results/*.trx\n");
        var r = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md");
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        r.Out.Should().Contain("'artifacts/results/*.trx' matched artifacts/results/run1.trx, which resolves outside the checkout (a symbolic link?): refused");
        r.Out.Should().NotContain("no test result files matched");
    }

    [Fact]
    public void Check_FlakyPolicyKey_IsReadAndABadValueIsAnErrorWithLine()
    {
        _ws.Write(".tracegate.yml", "tests:\n  flaky: sometimes\n");
        var r = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Be("tracegate: error: .tracegate.yml:2: tests.flaky is 'sometimes': expected fail, warn or pass\n");
    }

    [Fact]
    public void Check_FlakyReproWithTestsFlakyWarn_WarnsAndExitsZero()
    {
        _agent.Write("TestResults/run1.trx", Trx.Replace("""<UnitTestResult testId="1" testName="GuardFires" outcome="Passed"/>""",
            """<UnitTestResult testId="1" testName="GuardFires" outcome="Failed"/><UnitTestResult testId="1" testName="GuardFires" outcome="Passed"/>""", StringComparison.Ordinal));
        string glob = Path.Combine(_agent.Path, "TestResults", "*.trx");
        var failed = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md", "--test-results", glob, "--report-json", "report.json");
        failed.ExitCode.Should().Be(1);
        failed.Out.Should().Contain("is flaky: passed on attempt 2 of 2");
        using (var doc = JsonDocument.Parse(File.ReadAllText(_ws.File("report.json"))))
        {
            var run = doc.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "evidence.repro.run");
            run.GetProperty("repro").GetProperty("outcome").GetString().Should().Be("passed-on-retry");
            run.GetProperty("repro").GetProperty("cases")[0].GetProperty("attempts").GetInt32().Should().Be(2);
        }

        _ws.Write(".tracegate.yml", "tests:\n  flaky: warn\n");
        var warned = CliHarness.Run(_ws.Path, "check", "--pr-body", "pr.md", "--test-results", glob);
        warned.ExitCode.Should().Be(0, warned.Out);
        warned.Out.Should().Contain("passed, but only on a retry: passed on attempt 2 of 2");
    }

    [Fact]
    public void TestsList_PrintsReferenceOutcomeAndPlace_TsvAndJson()
    {
        string glob = Path.Combine(_agent.Path, "TestResults", "*.trx");
        var tsv = CliHarness.Run(_elsewhere.Path, "tests", "list", glob);
        tsv.ExitCode.Should().Be(0, tsv.Error);
        tsv.Out.Should().Be($"Pay.Tests.FeeTests.GuardFires\tpassed\t{Path.Combine(_agent.Path, "TestResults", "run1.trx")}:2\n");

        var json = CliHarness.Run(_agent.Path, "tests", "list", "--json", "TestResults/*.trx");
        json.ExitCode.Should().Be(0, json.Error);
        using var doc = JsonDocument.Parse(json.Out);
        var entry = doc.RootElement.EnumerateArray().Single();
        entry.GetProperty("ref").GetString().Should().Be("Pay.Tests.FeeTests.GuardFires");
        entry.GetProperty("outcome").GetString().Should().Be("passed");
        entry.GetProperty("file").GetString().Should().Be("TestResults/run1.trx");
        entry.GetProperty("line").GetInt32().Should().Be(2);
    }

    [Fact]
    public void TestsList_HostileTestName_IsPrintedInert()
    {
        _agent.Write("hostile.xml", "<testsuite><testcase classname='' name='x&#10;::error::owned&#10;##vso[task.complete result=Succeeded]'/></testsuite>");
        var r = CliHarness.Run(_agent.Path, "tests", "list", "hostile.xml");
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle();
        r.Out.Should().NotContain("\n::").And.NotContain("##vso[");
    }

    [Fact]
    public void TestsList_BadReport_ExitsTwoWithFileAndLine()
    {
        _agent.Write("bad.xml", "<testsuites>\n<testsuite>\n<testcase name='a'>\n</testsuites>");
        var r = CliHarness.Run(_agent.Path, "tests", "list", "bad.xml");
        r.ExitCode.Should().Be(2);
        r.Error.Should().StartWith("tracegate: error: bad.xml:4: malformed XML");
    }

    [Fact]
    public void TestsList_GlobMatchingNothing_ExitsTwoNamingIt()
    {
        var r = CliHarness.Run(_agent.Path, "tests", "list", "nothing/*.xml");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("'nothing/*.xml': no test report matched");
    }

    [Fact]
    public void TestsList_EveryReportOfTheRealCorpus_ListsEveryCase_AndTheCutShortOneExitsTwo()
    {
        string corpus = Repo.Fixture("TestResults/Fixtures/real");
        var reports = Directory.EnumerateFiles(corpus, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".xml", StringComparison.Ordinal) || f.EndsWith(".trx", StringComparison.Ordinal)).ToList();
        string corrupt = reports.Single(f => f.EndsWith("corrupt-xml.xml", StringComparison.Ordinal));
        var r = CliHarness.Run(_elsewhere.Path, ["tests", "list", "--json", .. reports.Where(f => f != corrupt)]);
        r.ExitCode.Should().Be(0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        doc.RootElement.GetArrayLength().Should().BeGreaterThan(7000);
        doc.RootElement.EnumerateArray().Should().OnlyContain(e => e.GetProperty("outcome").GetString()!.Length > 0);

        var bad = CliHarness.Run(_elsewhere.Path, "tests", "list", corrupt);
        bad.ExitCode.Should().Be(2);
        bad.Error.Should().Contain("corrupt-xml.xml:11: malformed XML");
    }
}
