using System.Text;
using FluentAssertions;
using TraceGate.Core.Evidence;
using TraceGate.Core.TestResults;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.TestResults;

public sealed class TestResultsReaderTests
{
    private static TestResultsReadResult ReadFixture(string name)
    {
        using var s = File.OpenRead(Repo.Fixture($"TestResults/Fixtures/{name}"));
        return TestResultsReader.Read(name, s);
    }

    private static TestResultsReadResult ReadText(string xml) =>
        TestResultsReader.Read("results.xml", new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    private static TestCaseResult Single(string reference, IReadOnlyList<TestCaseResult> cases) =>
        TestMatcher.Find(TestRef.Parse(reference, out _)!, cases).Should().ContainSingle().Subject;

    // Found by fuzzing (test-results): System.Xml threw ArgumentOutOfRangeException from its own encoding switch, and an
    // XmlException from reading the first bytes, outside the reader's catch; both escaped as crashes.
    [Theory]
    [InlineData("encoding-switch-bug.xml")]
    [InlineData("invalid-first-byte.xml")]
    public void Read_XmlThatBreaksTheXmlReader_IsAnInputErrorNamingTheFile(string fixture)
    {
        using var s = File.OpenRead(Repo.Fixture("Fuzz/Fixtures/test-results/" + fixture));
        var result = TestResultsReader.Read("results.xml", s);
        result.Cases.Should().BeEmpty();
        result.Error.Should().NotBeNull();
        result.Error!.ToString().Should().StartWith("results.xml:").And.Contain("XML");
    }

    [Fact]
    public void Read_Surefire_MapsPassFailAndSkip()
    {
        var cases = ReadFixture("surefire.xml").Cases;
        Single("src/test/java/com/acme/pay/TransferReproTest.java::feeGuardFires", cases).Outcome.Should().Be(TestOutcome.Passed);
        var failed = Single("src/test/java/com/acme/pay/TransferReproTest.java::feeDebitedFirst", cases);
        failed.Outcome.Should().Be(TestOutcome.Failed);
        failed.Message.Should().Be("expected: <8> but was: <10>");
        Single("src/test/java/com/acme/pay/TransferReproTest.java::rollbackFlag", cases).Outcome.Should().Be(TestOutcome.Skipped);
    }

    [Fact]
    public void Read_JestWithFileAttribute_MatchesByFileAndTitle()
    {
        var cases = ReadFixture("jest-junit.xml").Cases;
        Single("src/transfer.test.ts::fee guard fires", cases).Outcome.Should().Be(TestOutcome.Passed);
        TestMatcher.Find(TestRef.Parse("src/other.test.ts::fee guard fires", out _)!, cases).Should().BeEmpty();
    }

    [Fact]
    public void Read_PytestClassAndParameters_MatchesEveryParameterCase()
    {
        var cases = ReadFixture("pytest-classes.xml").Cases;
        var matches = TestMatcher.Find(TestRef.Parse("tests/test_transfer.py::TestFees::test_guard", out _)!, cases);
        matches.Should().HaveCount(2);
        matches.Count(m => m.Outcome == TestOutcome.Failed).Should().Be(1);
        Single("tests/test_transfer.py::test_plain", cases).Outcome.Should().Be(TestOutcome.Passed);
        TestMatcher.Find(TestRef.Parse("tests/test_other.py::test_plain", out _)!, cases).Should().BeEmpty();
    }

    [Fact]
    public void Read_Trx_JoinsResultsToMethodsByTestId()
    {
        var cases = ReadFixture("dotnet.trx").Cases;
        var passed = Single("tests/Pay.Tests/TransferReproTests.cs::FeeGuardFires", cases);
        passed.Outcome.Should().Be(TestOutcome.Passed);
        passed.ClassName.Should().Be("Pay.Tests.TransferReproTests");
        Single("tests/Pay.Tests/TransferReproTests.cs::FeeDebitedFirst", cases).Outcome.Should().Be(TestOutcome.Skipped);
    }

    [Fact]
    public void Read_MalformedXml_ReturnsErrorWithLine()
    {
        var result = ReadText("<testsuites>\n<testsuite>\n<testcase name='a'>\n</testsuites>");
        result.Error!.Path.Should().Be("results.xml");
        result.Error.Line.Should().Be(4);
        result.Error.Message.Should().StartWith("malformed XML");
    }

    [Fact]
    public void Read_UnknownRoot_SaysWhatWasExpected()
    {
        ReadText("<html><body/></html>").Error!.ToString()
            .Should().Be("results.xml:1: root element <html> is not a test report: expected <testsuites> or <testsuite> (JUnit XML), <TestRun> (TRX), <test-run> (NUnit 3), <test-results> (NUnit 2) or <assemblies> (xUnit.net)");
    }

    [Fact]
    public void Read_DocumentTypeDefinition_IsRefusedNotExpanded()
    {
        var billionLaughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><testsuites>&lol2;</testsuites>";
        ReadText(billionLaughs).Error!.Message.Should().Contain("DTD");
    }
}
