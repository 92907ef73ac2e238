using System.CommandLine;
using FluentAssertions;
using TraceGate.Cli.Hosts;
using TraceGate.Cli.Settings;
using TraceGate.Core.Model;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>The check's settings as a type: bound from the command line over <c>TRACEGATE_*</c>, and built directly
/// by a test that then runs the gate with them.</summary>
public sealed class TraceGateSettingsTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = new();

    private static TraceGateSettings Parse(IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        var options = new CheckOptions();
        var check = new Command("check");
        foreach (var option in options.Inputs.Concat(options.Outputs))
        {
            check.Add(option);
        }

        var parse = check.Parse(args);
        parse.Errors.Should().BeEmpty();
        return options.Bind(parse, env);
    }

    [Fact]
    public void Bind_WhenNothingIsGiven_LeavesListsUnsetSoThePolicyApplies()
    {
        var settings = Parse(NoEnvironment);

        settings.Should().Be(new TraceGateSettings());
        settings.Workspace.Should().Be(".");
        settings.Traces.Should().BeNull();
        settings.TestResults.Should().BeNull();
        settings.Labels.Should().BeNull();
    }

    [Fact]
    public void Bind_WhenOptionAndVariableBothGiven_TakesTheOption()
    {
        var env = new Dictionary<string, string?> { ["TRACEGATE_TRACES"] = "env/*.pb", ["TRACEGATE_PR_BODY"] = "env.md", ["TRACEGATE_TITLE"] = "fix: from env" };

        var settings = Parse(env, "--traces", "a/*.pb", "--traces", "b/*.pb", "--pr-body", "pr.md");

        settings.Traces.Should().Equal("a/*.pb", "b/*.pb");
        settings.PrBody.Should().Be("pr.md");
        settings.Title.Should().Be("fix: from env");
    }

    [Fact]
    public void Bind_WhenLabelsGivenAsNone_IsEmptyNotUnset()
    {
        Parse(NoEnvironment, "--labels", "").Labels.Should().NotBeNull().And.BeEmpty();
        Parse(new Dictionary<string, string?> { ["TRACEGATE_LABELS"] = "" }).Labels.Should().NotBeNull().And.BeEmpty();
        Parse(new Dictionary<string, string?> { ["TRACEGATE_TRACES"] = "" }).Traces.Should().BeNull("an empty TRACEGATE_TRACES is not set");
    }

    [Fact]
    public void Bind_WhenAListVariableHoldsLines_GivesOneGlobPerLine()
    {
        var settings = Parse(new Dictionary<string, string?> { ["TRACEGATE_TEST_RESULTS"] = "a.xml\n  b/*.trx  \n\n", ["TRACEGATE_REPORT_JSON"] = "out/r.json" });

        settings.TestResults.Should().Equal("a.xml", "b/*.trx");
        settings.ReportJson.Should().Be("out/r.json");
    }

    [Fact]
    public void Options_AreNamedAsTheSettingsKeys()
    {
        var options = new CheckOptions();

        options.Inputs.Concat(options.Outputs).Select(o => o.Name.TrimStart('-')).Should().BeEquivalentTo(TraceGateSettings.Keys);
    }

    [Fact]
    public void Run_WithSettingsBuiltDirectly_ChecksWithoutACommandLine()
    {
        using var ws = new TempDir();
        ws.Write("pr.md", "Incident: INC-2471\nPrimary trace: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\nInvariant: never negative\nRepro: tests/t.py::test_x\nRollback: revert\n");
        ws.Write("tests/t.py", "def test_x(): pass\n");
        var ctx = new RunContext(new StringWriter(), new StringWriter(), NoEnvironment, ws.Path, OutputIsTerminal: false);

        var passed = CheckRunner.Run(ctx, new TraceGateSettings { PrBody = "pr.md" });
        var missing = CheckRunner.Run(ctx, new TraceGateSettings { PrBody = "pr.md", Traces = ["traces/*.pb"] });

        passed.Report.Conclusion.Should().Be(Conclusion.Success);
        passed.Policy.IsDefault.Should().BeTrue();
        missing.Report.Checks.Single(c => c.Id == "traces.files").Message.Should().Be("no trace files matched 'traces/*.pb'");
    }
}
