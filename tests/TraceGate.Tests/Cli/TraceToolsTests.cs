using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

public sealed class TraceToolsTests : IDisposable
{
    private readonly TempDir _ws = new();

    public TraceToolsTests()
    {
        foreach (var name in new[] { "good.pb", "buggy.pb", "good.jsonl" })
        {
            File.Copy(Repo.Fixture($"Traces/Fixtures/payments/{name}"), _ws.File(name));
        }
    }

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void Init_DraftFromGoodRun_LoadsPassesOnThatRunAndCatchesTheBug()
    {
        var init = CliHarness.Run(_ws.Path, "init", "--traces", "good.pb");
        init.ExitCode.Should().Be(0, init.Error);
        var draft = File.ReadAllText(_ws.File(".tracegate.yml"));
        draft.Should().Contain("'transfer.fee': exists").And.Contain("events-in-order: ['fee_debit', 'debit', 'credit']");

        CliHarness.Run(_ws.Path, "check").ExitCode.Should().Be(0, "the draft holds on the run it was drafted from");
        var buggy = CliHarness.Run(_ws.Path, "check", "--traces", "buggy.pb");
        buggy.ExitCode.Should().Be(1);
        buggy.Out.Should().Contain("FAIL  traces.validate").And.Contain("missing attribute transfer.fee").And.Contain("FAIL  traces.apply");
    }

    [Fact]
    public void Init_FromJsonLines_DraftsTheSamePolicyAsFromProtobuf()
    {
        CliHarness.Run(_ws.Path, "init", "--traces", "good.pb", "--out", "a.yml").ExitCode.Should().Be(0);
        CliHarness.Run(_ws.Path, "init", "--traces", "good.jsonl", "--out", "b.yml").ExitCode.Should().Be(0);
        File.ReadAllText(_ws.File("a.yml")).Replace("good.pb", "X").Should().Be(File.ReadAllText(_ws.File("b.yml")).Replace("good.jsonl", "X"));
    }

    [Fact]
    public void Init_ExistingFile_IsNotOverwrittenWithoutForce()
    {
        _ws.Write(".tracegate.yml", "version: 1\n");
        var r = CliHarness.Run(_ws.Path, "init", "--traces", "good.pb");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("exists: pass --force");
        File.ReadAllText(_ws.File(".tracegate.yml")).Should().Be("version: 1\n");
        CliHarness.Run(_ws.Path, "init", "--traces", "good.pb", "--force").ExitCode.Should().Be(0);
    }

    [Fact]
    public void Summarize_ListsNamesCountsAndAttributes()
    {
        var r = CliHarness.Run(_ws.Path, "traces", "summarize", "good.pb", "buggy.pb");
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().StartWith("180 spans, 3 span names");
        r.Out.Should().Contain("transfer.fee (30)", "only the good run's validate spans carry the fee");
        r.Out.Should().MatchRegex(@"transfer-svc / apply\s+60\s+3 ");
    }

    [Fact]
    public void Summarize_MissingFile_ExitsTwo()
    {
        var r = CliHarness.Run(_ws.Path, "traces", "summarize", "nope.pb");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("nope.pb: no such file");
    }
}
