using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>The README's second example: the bundled example's policy against the incident's traces.</summary>
public sealed class IncidentExampleTests
{
    [Fact]
    public void IncidentTraces_AreTheGeneratedBuggyFixture()
    {
        File.ReadAllBytes(Path.Combine(Repo.Example, "incident", "buggy.pb")).Should()
            .Equal(File.ReadAllBytes(Path.Combine(Repo.Root, "tests", "TraceGate.Tests", "Traces", "Fixtures", "payments", "buggy.pb")),
                "examples/payments/incident/buggy.pb is a copy of the fixture tests/fixture-gen generates");
    }

    [Fact]
    public void Check_IncidentTraces_FailsTheTwoRulesTheBugBreaks()
    {
        var r = CliHarness.Run(Repo.Root, "check", "--workspace", "examples/payments", "--traces", "incident/buggy.pb");
        r.ExitCode.Should().Be(1, r.Out);
        r.Out.Should().StartWith("TraceGate FAILED: 11 checks, 3 failed, 0 warnings\n");
        r.Out.Should().Contain("  FAIL  traces.validate-attributes   30 of 30 spans break the rule: missing attribute transfer.fee (30)\n");
        r.Out.Should().Contain("  FAIL  traces.fee-before-debit      30 of 30 spans break the rule: events out of order (30), forbidden event invariant.violation (3), status ERROR (3)\n");
    }
}
