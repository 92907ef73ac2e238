using System.Text;
using FluentAssertions;
using TraceGate.Core.Evidence;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.TestResults;

namespace TraceGate.Tests.TestResults;

/// <summary>The outcome model, retries, parameter suffixes and reference forms, each on the smallest input that shows
/// it; the real corpus (RealCorpusTests) shows the same on the runners' own files.</summary>
public sealed class OutcomeModelTests
{
    private static IReadOnlyList<TestCaseResult> Read(string xml)
    {
        var result = TestResultsReader.Read("r.xml", new MemoryStream(Encoding.UTF8.GetBytes(xml)));
        result.Error.Should().BeNull();
        return result.Cases;
    }

    private static Check Verdict(string reference, IReadOnlyList<TestCaseResult> cases, FlakyMode flaky = FlakyMode.Fail)
    {
        var testRef = TestRef.Parse(reference, out var problem);
        testRef.Should().NotBeNull(problem);
        var matches = TestMatcher.FindForRepro(testRef!, cases);
        matches.Should().NotBeEmpty();
        return ReproVerdict.Of("evidence.repro.run", testRef!, matches, flaky);
    }

    [Fact]
    public void Read_GoogletestDisabledCase_IsNotRunAndFailsTheRepro()
    {
        var cases = Read("<testsuites><testsuite name='Pay'><testcase name='DISABLED_FeeGuard' file='pay_test.cc' status='notrun' result='suppressed' classname='Pay'/></testsuite></testsuites>");
        cases.Single().Outcome.Should().Be(TestOutcome.NotRun);
        var v = Verdict("tests/pay_test.cc::Pay::DISABLED_FeeGuard", cases);
        v.Outcome.Should().Be(Outcome.Fail);
        v.Message.Should().Contain("was not run: disabled");
        v.Repro!.Outcome.Should().Be("not-run");
    }

    [Theory]
    [InlineData("<error message='fixture db not found'/>", TestOutcome.Errored)]
    [InlineData("<failure message='assert 1 == 2'/>", TestOutcome.Failed)]
    [InlineData("<skipped message='needs db'/>", TestOutcome.Skipped)]
    [InlineData("<skipped type='todo' message='true'/>", TestOutcome.NotRun)]
    [InlineData("<failure message='x'/><error message='teardown'/>", TestOutcome.Failed)]
    [InlineData("", TestOutcome.Passed)]
    public void Read_JUnitChildren_GiveTheOutcome(string children, TestOutcome expected)
    {
        Read($"<testsuite><testcase classname='tests.test_x' name='test_y'>{children}</testcase></testsuite>").Single().Outcome.Should().Be(expected);
    }

    [Fact]
    public void Read_SurefireFlakyFailure_IsPassedOnRetry_AndFailsByDefaultSayingTheAttempt()
    {
        var cases = Read("<testsuite><testcase classname='com.acme.PayTest' name='fee'><flakyFailure message='boom'/></testcase></testsuite>");
        cases.Single().Outcome.Should().Be(TestOutcome.PassedOnRetry);
        var v = Verdict("src/test/java/com/acme/PayTest.java::fee", cases);
        v.Outcome.Should().Be(Outcome.Fail);
        v.Message.Should().Contain("is flaky: passed on attempt 2 of 2");
        v.Hint.Should().Contain("tests.flaky");
    }

    [Fact]
    public void Verdict_FlakyPolicyWarnAndPass_WarnOrPassSayingTheAttempt()
    {
        var cases = Read("<testsuite><testcase classname='com.acme.PayTest' name='fee'><flakyFailure/><flakyError/></testcase></testsuite>");
        var warn = Verdict("src/test/java/com/acme/PayTest.java::fee", cases, FlakyMode.Warn);
        warn.Outcome.Should().Be(Outcome.Warn);
        warn.Message.Should().Contain("passed on attempt 3 of 3");
        var pass = Verdict("src/test/java/com/acme/PayTest.java::fee", cases, FlakyMode.Pass);
        pass.Outcome.Should().Be(Outcome.Pass);
        pass.Message.Should().Contain("passed on attempt 3 of 3, allowed by tests.flaky: pass");
        pass.Repro!.Outcome.Should().Be("passed-on-retry");
    }

    [Fact]
    public void Read_SurefireRerunFailures_FailOnEveryAttempt()
    {
        var c = Read("<testsuite><testcase classname='com.acme.PayTest' name='fee'><failure message='boom'/><rerunFailure/><rerunFailure/></testcase></testsuite>").Single();
        c.Outcome.Should().Be(TestOutcome.Failed);
        c.Reason.Should().Be("failed on all 3 attempts: boom");
    }

    [Fact]
    public void Read_TrxListingATestTwice_IsOneCasePassedOnRetry()
    {
        const string trx = """
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
            <UnitTestResult testId="1" testName="Fee" outcome="Failed"><Output><ErrorInfo><Message>expected 8</Message></ErrorInfo></Output></UnitTestResult>
            <UnitTestResult testId="1" testName="Fee" outcome="Passed"/>
            </Results><TestDefinitions><UnitTest id="1"><TestMethod className="Pay.Tests.PayTests" name="Fee"/></UnitTest></TestDefinitions></TestRun>
            """;
        var c = Read(trx).Single();
        c.Outcome.Should().Be(TestOutcome.PassedOnRetry);
        c.Reason.Should().Be("passed on attempt 2 of 2");
        c.Line.Should().Be(2);
    }

    [Fact]
    public void Read_TrxDataRows_AreNotAttempts()
    {
        const string trx = """
            <TestRun><Results>
            <UnitTestResult testId="1" testName="Fee" outcome="Passed"><InnerResults>
            <UnitTestResult testId="1" testName="Fee (1)" outcome="Passed" parentExecutionId="a"/>
            <UnitTestResult testId="1" testName="Fee (2)" outcome="Passed" parentExecutionId="a"/>
            </InnerResults></UnitTestResult>
            </Results><TestDefinitions><UnitTest id="1"><TestMethod className="Pay.PayTests" name="Fee"/></UnitTest></TestDefinitions></TestRun>
            """;
        Read(trx).Should().ContainSingle().Which.Outcome.Should().Be(TestOutcome.Passed);
    }

    [Fact]
    public void Verdict_ReferenceMatchingSeveralCases_RequiresAllAndSaysWhich()
    {
        var cases = Read("<testsuites><testsuite><testcase classname='a.test.ts' name='fee guard fires'/></testsuite>"
            + "<testsuite><testcase classname='pkg/b/a.test.ts' name='fee guard fires'><failure message='boom'/></testcase></testsuite></testsuites>");
        var v = Verdict("pkg/b/a.test.ts::fee guard fires", cases);
        v.Outcome.Should().Be(Outcome.Fail);
        v.Message.Should().Contain("1 of the 2 test cases it matches did not pass; failed: boom (r.xml:1)");
        v.Details.Should().HaveCount(2).And.Contain(d => d.Contains("passed", StringComparison.Ordinal));
        v.Repro!.Cases.Select(c => c.Outcome).Should().Equal("passed", "failed");
    }

    [Theory]
    [InlineData("refund [partial] keeps fee", "refund [partial] keeps fee")]
    [InlineData("test_fee[1-2]", "test_fee")]
    [InlineData("Fee(amount: 1)", "Fee")]
    [InlineData("parses (x) then y", "parses (x) then y")]
    [InlineData("fee(int)[1]", "fee(int)")]
    [InlineData("[1]", "[1]")]
    public void ParameterSuffix_OnlyATrailingBracketIsStripped(string name, string expected)
    {
        ParameterSuffix.Strip(name).Should().Be(expected);
    }

    [Fact]
    public void Matcher_BracketInsideAMochaTitle_IsPartOfTheName()
    {
        var cases = Read("<testsuite name='test/pay.spec.js'><testcase classname='refunds' name='refund [partial] keeps fee'/><testcase classname='refunds' name='refund'/></testsuite>");
        TestMatcher.Find(TestRef.Parse("test/pay.spec.js::refunds::refund", out _)!, cases).Should().ContainSingle().Which.Name.Should().Be("refund");
    }

    [Theory]
    [InlineData("./pkg/pay::TestFeeGuard", "pkg/pay", "TestFeeGuard", true)]
    [InlineData("pkg/pay.TestFeeGuard", "pkg/pay", "TestFeeGuard", true)]
    [InlineData("github.com/acme/pay.TestFeeGuard/sub", "github.com/acme/pay", "TestFeeGuard/sub", false)]
    [InlineData("pay_core::fees::tests::guard_fires", "pay_core", "guard_fires", false)]
    [InlineData("Pay.Tests.PayTests.Fee", "", "Pay.Tests.PayTests.Fee", false)]
    [InlineData("tests/test_x.py::TestA::test_y", "tests/test_x.py", "test_y", true)]
    public void Parse_TheFormsPeopleWrite(string text, string path, string name, bool hasPath)
    {
        var r = TestRef.Parse(text, out var problem);
        r.Should().NotBeNull(problem);
        r!.Path.Should().Be(path);
        r.Name.Should().Be(name);
        r.HasPath.Should().Be(hasPath);
    }

    [Fact]
    public void Matcher_GoImportPathClassname_FoundByEveryGoForm()
    {
        var cases = Read("<testsuites><testsuite name='github.com/acme/pay/pkg/pay'><testcase classname='github.com/acme/pay/pkg/pay' name='TestFeeGuard'/></testsuite></testsuites>");
        foreach (var form in new[] { "./pkg/pay::TestFeeGuard", "pkg/pay.TestFeeGuard", "github.com/acme/pay/pkg/pay.TestFeeGuard" })
        {
            TestMatcher.Find(TestRef.Parse(form, out _)!, cases).Should().ContainSingle(form);
        }

        TestMatcher.Find(TestRef.Parse("pkg/other.TestFeeGuard", out _)!, cases).Should().BeEmpty();
    }

    [Fact]
    public void Matcher_NextestLibraryTest_FoundByCratePath()
    {
        var cases = Read("<testsuites><testsuite name='pay_core'><testcase classname='pay_core' name='fees::tests::guard_fires'/></testsuite></testsuites>");
        TestMatcher.Find(TestRef.Parse("pay_core::fees::tests::guard_fires", out _)!, cases).Should().ContainSingle();
    }

    [Fact]
    public void Matcher_PhpunitAbsoluteFileAndNamespace_FoundByCheckoutPath()
    {
        var cases = Read("<testsuites><testsuite name='App\\Tests\\FeeTest' file='/home/runner/work/pay/pay/tests/FeeTest.php'>"
            + "<testcase name='testGuardFires' class='App\\Tests\\FeeTest' classname='App.Tests.FeeTest' file='/home/runner/work/pay/pay/tests/FeeTest.php' line='12'/></testsuite></testsuites>");
        TestMatcher.Find(TestRef.Parse("tests/FeeTest.php::testGuardFires", out _)!, cases).Should().ContainSingle();
        TestMatcher.Find(TestRef.Parse("tests/FeeTest.php::FeeTest::testGuardFires", out _)!, cases).Should().ContainSingle();
    }

    [Fact]
    public void Read_NestingPastTheBound_IsAnInputErrorWithLine()
    {
        var xml = "<testsuites>" + string.Concat(Enumerable.Repeat("<testsuite>\n", 300)) + string.Concat(Enumerable.Repeat("</testsuite>", 300)) + "</testsuites>";
        var result = TestResultsReader.Read("deep.xml", new MemoryStream(Encoding.UTF8.GetBytes(xml)));
        result.Error!.ToString().Should().Be("deep.xml:257: elements nest deeper than 256 levels: not a test report");
    }

    [Fact]
    public void Read_NUnit2AndXunit_AreRead()
    {
        Read("<test-results><test-suite><results><test-case name='Pay.PayTests.Fee' executed='True' result='Ignored'/></results></test-suite></test-results>")
            .Single().Should().Match<TestCaseResult>(c => c.ClassName == "Pay.PayTests" && c.Name == "Fee" && c.Outcome == TestOutcome.NotRun);
        Read("<assemblies><assembly><collection><test name='Pay.PayTests.Fee(amount: 1)' type='Pay.PayTests' method='Fee' result='Fail'><failure><message>boom</message></failure></test></collection></assembly></assemblies>")
            .Single().Should().Match<TestCaseResult>(c => c.Name == "Fee(amount: 1)" && c.Outcome == TestOutcome.Failed && c.Message == "result Fail: boom");
    }
}
