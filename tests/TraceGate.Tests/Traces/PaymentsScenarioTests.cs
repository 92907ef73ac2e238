using FluentAssertions;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Otlp;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Rules;

namespace TraceGate.Tests.Traces;

/// <summary>The worked payments example: the correct run passes, the buggy run fails on exactly the rules it
/// breaks with the offending trace ids, the slow run fails the latency budget and the baseline comparison.</summary>
public sealed class PaymentsScenarioTests
{
    private static readonly TracesPolicy Policy = LoadExamplePolicy();

    private static TracesPolicy LoadExamplePolicy()
    {
        var path = Path.Combine(Repo.Example, ".tracegate.yml");
        var result = PolicyLoader.Load(".tracegate.yml", File.ReadAllText(path));
        result.Errors.Should().BeEmpty();
        return result.Policy!.Traces;
    }

    private static RuleEngine Run(string file)
    {
        var engine = new RuleEngine(Policy);
        using var stream = File.OpenRead(Repo.Fixture($"Traces/Fixtures/payments/{file}"));
        TraceFileReader.Read(file, stream, new ReadOptions { AttributeKeys = RuleEngine.KeysNeeded(Policy), AllStringValues = true }, engine);
        engine.Finish();
        return engine;
    }

    private static Dictionary<string, Check> Checks(string file, string? baseline = "baseline.pb") =>
        TraceGates.Evaluate(Policy, Run(file), baseline is null ? null : Run(baseline)).ToDictionary(c => c.Id);

    [Theory]
    [InlineData("good.pb")]
    [InlineData("good.json")]
    [InlineData("good.jsonl")]
    public void CorrectRun_PassesEveryRule(string file)
    {
        var checks = Checks(file);
        checks.Values.Should().OnlyContain(c => c.Outcome == Outcome.Pass, string.Join("\n", checks.Values.Select(c => $"{c.Id}: {c.Message}")));
        checks["traces.apply-latency"].Spans.Should().Be(30);
    }

    [Theory]
    [InlineData("buggy.pb")]
    [InlineData("buggy.json")]
    public void BuggyRun_FailsExactlyTheRulesItBreaks(string file)
    {
        var checks = Checks(file);
        checks.Values.Where(c => c.Outcome == Outcome.Fail).Select(c => c.Id)
            .Should().BeEquivalentTo(["traces.validate-attributes", "traces.fee-before-debit"]);
        checks["traces.validate-attributes"].Message.Should().Be("30 of 30 spans break the rule: missing attribute transfer.fee (30)");
        checks["traces.fee-before-debit"].Message.Should().Be("30 of 30 spans break the rule: events out of order (30), forbidden event invariant.violation (3), status ERROR (3)");
    }

    [Fact]
    public void BuggyRun_NamesTheOffendingTraceIds()
    {
        var fee = Checks("buggy.pb")["traces.fee-before-debit"];
        var violations = fee.Offenders.Where(o => o.Problem.Contains("invariant.violation")).ToList();
        violations.Should().NotBeEmpty();
        // The offending trace ids are real ids of the run, and each offending span is an apply span of that trace.
        var applySpans = new HashSet<string>();
        var sink = new CollectApply(applySpans);
        using (var s = File.OpenRead(Repo.Fixture("Traces/Fixtures/payments/buggy.pb")))
        {
            TraceFileReader.Read("buggy.pb", s, new ReadOptions(), sink);
        }

        fee.Offenders.Should().OnlyContain(o => applySpans.Contains(o.TraceId + "/" + o.SpanId));
        violations.Should().OnlyContain(o => o.Problem.Contains("has status ERROR"));
    }

    [Fact]
    public void SlowRun_FailsLatencyBudgetAndBaselineComparison()
    {
        var checks = Checks("slow.pb");
        checks.Values.Where(c => c.Outcome == Outcome.Fail).Select(c => c.Id).Should().Equal("traces.apply-latency");
        var latency = checks["traces.apply-latency"];
        latency.Message.Should().Contain("p95 is").And.Contain("budget <= 25ms").And.Contain("against the baseline");
        var p95 = latency.Stats.Single(s => s.Stat == "p95");
        p95.Ok.Should().BeFalse();
        p95.Before.Should().BeLessThan(25e6);
        p95.After.Should().BeGreaterThan(30e6);
        latency.Offenders.Should().HaveCount(5).And.OnlyContain(o => o.Problem.StartsWith("took "));
    }

    [Fact]
    public void SlowRun_WithoutBaseline_WarnsThatTheChangeWasNotMeasuredButStillFailsTheBudget()
    {
        var latency = Checks("slow.pb", baseline: null)["traces.apply-latency"];
        latency.Outcome.Should().Be(Outcome.Fail);
        latency.Details.Should().ContainSingle().Which.Should().Contain("no baseline was given");
    }

    [Fact]
    public void Baseline_ListsSpanNamesPresentInOnlyOneRun()
    {
        var run = new RuleEngine(Policy);
        using (var s = new MemoryStream(Otlp.Request(Otlp.Span("validate", 1), Otlp.Span("retry", 2))))
        {
            TraceFileReader.Read("x.pb", s, new ReadOptions(), run);
        }

        var names = TraceGates.Evaluate(Policy, run, Run("baseline.pb")).Single(c => c.Id == "traces.baseline.names");
        names.Outcome.Should().Be(Outcome.Warn);
        names.Details.Should().Contain("new in this run: retry (1 spans)").And.Contain(d => d.StartsWith("only in the baseline: apply"));
    }

    private sealed class CollectApply(HashSet<string> into) : ISpanSink
    {
        public void OnSpan(SpanData span)
        {
            if (span.Name == "apply")
            {
                into.Add(span.TraceId + "/" + SpanData.SpanIdText(span.SpanId));
            }
        }
    }
}
