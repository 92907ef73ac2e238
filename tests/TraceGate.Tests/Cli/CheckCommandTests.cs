using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

public sealed class CheckCommandTests : IDisposable
{
    private const string Body = "Incident: INC-2471\nPrimary trace: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\nInvariant: never negative\nRepro: tests/t.py::test_x\nRollback: revert\n";
    private readonly TempDir _ws = new();

    public CheckCommandTests()
    {
        _ws.Write("tests/t.py", "def test_x(): pass\n");
        _ws.Write("pr.md", Body);
    }

    public void Dispose() => _ws.Dispose();

    private CliResult Run(params string[] args) => CliHarness.Run(_ws.Path, args);

    [Fact]
    public void Check_WithoutPolicy_UsesDefaultsAndSaysSo()
    {
        var r = Run("check", "--pr-body", "pr.md");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("policy: none found, documented defaults used");
    }

    [Fact]
    public void Check_PolicyWithTypo_ExitsTwoNamingFileAndLine()
    {
        _ws.Write(".tracegate.yml", "evidence:\n  fields:\n    incident:\n      requred: true\n");
        var r = Run("check", "--pr-body", "pr.md");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Be("tracegate: error: .tracegate.yml:4: unknown key 'requred' in evidence.fields.incident: did you mean 'required'?\n");
        r.Out.Should().BeEmpty();
    }

    [Fact]
    public void Check_ExplicitPolicyMissing_ExitsTwo()
    {
        var r = Run("check", "--pr-body", "pr.md", "--policy", "nope.yml");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("nope.yml: no such file (the policy)");
    }

    [Fact]
    public void Check_PrBodyMissing_ExitsTwoNamingTheFile()
    {
        var r = Run("check", "--pr-body", "missing.md");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("missing.md: no such file (the PR description)");
    }

    [Fact]
    public void Check_PrBodyInvalidUtf8_ExitsTwoWithByteOffset()
    {
        File.WriteAllBytes(_ws.File("bad.md"), [(byte)'I', (byte)'n', 0xC3, 0x28, (byte)'\n']);
        var r = Run("check", "--pr-body", "bad.md");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("bad.md: byte offset 2: the PR description is not valid UTF-8");
    }

    [Fact]
    public void Check_PrBodyOverSizeLimit_ExitsTwo()
    {
        _ws.Write("huge.md", new string('x', 2 * 1024 * 1024));
        var r = Run("check", "--pr-body", "huge.md");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("over the 1024 KiB limit");
    }

    [Fact]
    public void Check_NoEvidenceInput_ExitsTwoSayingWhatToPass()
    {
        var r = Run("check");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("pass --pr-body FILE");
    }

    [Fact]
    public void Check_UnknownOption_ExitsTwo()
    {
        var r = Run("check", "--pr-bodee", "pr.md");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("--pr-bodee");
    }

    [Fact]
    public void Help_OnEveryCommand_ExitsZero()
    {
        foreach (var args in new[] { new[] { "--help" }, ["check", "--help"], ["evidence", "--help"] })
        {
            var r = Run(args);
            r.ExitCode.Should().Be(0);
            r.Out.Should().Contain("Usage:");
        }
    }

    [Fact]
    public void Check_TestResultsGlobMatchesNothing_FailsNamingTheGlob()
    {
        var r = Run("check", "--pr-body", "pr.md", "--test-results", "artifacts/*.xml");
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  tests.results").And.Contain("no test result files matched 'artifacts/*.xml'");
    }

    [Fact]
    public void Check_TestResultsMalformed_ExitsTwoWithFileAndLine()
    {
        _ws.Write("artifacts/junit.xml", "<testsuites>\n<testcase name='a'>\n");
        var r = Run("check", "--pr-body", "pr.md", "--test-results", "artifacts/*.xml");
        r.ExitCode.Should().Be(2);
        r.Error.Should().StartWith("tracegate: error: artifacts/junit.xml:3: malformed XML");
    }

    // Issue 14: a glob the CI configuration gives may leave the checkout (dotnet test and Azure write results outside
    // it); one from the policy file, which the PR's own branch carries, still may not.
    [Fact]
    public void Check_TestResultsGlobLeavingWorkspace_IsReadFromTheCommandLineAndRefusedFromThePolicy()
    {
        using var root = new TempDir();
        root.Write("ws/tests/t.py", "def test_x(): pass\n");
        root.Write("ws/pr.md", Body);
        root.Write("results/junit.xml", "<testsuites><testsuite><testcase classname='tests.t' name='test_x'/></testsuite></testsuites>");
        string ws = root.File("ws");
        var r = CliHarness.Run(ws, "check", "--pr-body", "pr.md", "--test-results", "../results/*.xml");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("tests/t.py::test_x passed");

        root.Write("ws/.tracegate.yml", "tests:\n  results:\n    - ../results/*.xml\n");
        var fromPolicy = CliHarness.Run(ws, "check", "--pr-body", "pr.md");
        fromPolicy.ExitCode.Should().Be(2);
        fromPolicy.Error.Should().Contain("'..' would leave the workspace");
    }

    [Fact]
    public void Check_ReproRanAndPassed_FromResultsInPolicy()
    {
        _ws.Write("artifacts/junit.xml", "<testsuites><testsuite><testcase classname='tests.t' name='test_x'/></testsuite></testsuites>");
        _ws.Write(".tracegate.yml", "tests:\n  results: ['artifacts/*.xml']\n");
        var r = Run("check", "--pr-body", "pr.md");
        r.ExitCode.Should().Be(0, r.Out);
        r.Out.Should().Contain("pass  evidence.repro.run");
    }

    [Fact]
    public void Settings_EnvironmentSuppliesInputsAndCommandLineOverridesIt()
    {
        _ws.Write("other.md", Body.Replace("Rollback: revert\n", ""));
        var env = new Dictionary<string, string?> { ["TRACEGATE_PR_BODY"] = "other.md" };
        CliHarness.Run(_ws.Path, env, "check").ExitCode.Should().Be(1, "the environment named a PR body without a rollback");
        CliHarness.Run(_ws.Path, env, "check", "--pr-body", "pr.md").ExitCode.Should().Be(0, "the command line wins over the environment");
    }

    [Fact]
    public void Settings_CommandLineTestResultsReplaceThePolicyListWhole()
    {
        _ws.Write(".tracegate.yml", "tests:\n  results: ['a/*.xml', 'b/*.xml']\n");
        _ws.Write("c/junit.xml", "<testsuites><testsuite><testcase classname='tests.t' name='test_x'/></testsuite></testsuites>");
        var r = Run("check", "--pr-body", "pr.md", "--test-results", "c/*.xml");
        r.ExitCode.Should().Be(0, r.Out);
        r.Out.Should().NotContain("b/*.xml");
    }

    [Fact]
    public void Evidence_PrintsEvidenceChecklistAndTrailersAsJson()
    {
        _ws.Write("commits", "fix: x\n\nINC: INC-2471\n\0");
        var r = Run("evidence", "--pr-body", "pr.md", "--commits", "commits");
        r.ExitCode.Should().Be(0);
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
        doc.RootElement.GetProperty("evidence").GetProperty("incident").GetProperty("value").GetString().Should().Be("INC-2471");
        doc.RootElement.GetProperty("evidence").GetProperty("trace").GetProperty("traceId").GetString().Should().Be("3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2");
        doc.RootElement.GetProperty("trailers")[0].GetProperty("key").GetString().Should().Be("INC");
        doc.RootElement.GetProperty("checklist").GetProperty("total").GetInt32().Should().Be(0);
        doc.RootElement.TryGetProperty("checks", out _).Should().BeFalse();
    }
}
