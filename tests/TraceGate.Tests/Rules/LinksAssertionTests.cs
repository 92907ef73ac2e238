using FluentAssertions;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Otlp;
using TraceGate.Core.Policy;
using TraceGate.Core.Rules;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Rules;

/// <summary>
/// <c>links: '&gt;= 1'</c>, the assertion kind added as one file (Rules/LinksAssertion.cs): its key is a rule key, its
/// value is a comparison, and each selected span's span links are counted, on spans the OpenTelemetry JS SDK wrote
/// (the links scenario of tests/fixture-gen: settle-batch spans with two, one and no links) and on Jaeger's own
/// FOLLOWS_FROM fixtures.
/// </summary>
public sealed class LinksAssertionTests
{
    private static TracesPolicy Policy(string rules)
    {
        var result = PolicyLoader.Load(".tracegate.yml", "traces:\n  rules:\n" + rules);
        result.Errors.Should().BeEmpty();
        return result.Policy!.Traces;
    }

    private static Dictionary<string, Check> Checks(TracesPolicy policy, string path)
    {
        var engine = new RuleEngine(policy);
        using (var stream = File.OpenRead(path))
        {
            TraceFileReader.Read(Path.GetFileName(path), stream, new ReadOptions { AttributeKeys = RuleEngine.KeysNeeded(policy) }, engine);
        }

        engine.Finish();
        return TraceGates.Evaluate(policy, engine, null).ToDictionary(c => c.Id);
    }

    private static string Sdk(string file) => Repo.Fixture("Traces/Fixtures/payments/" + file);

    [Theory]
    [InlineData("links.pb")]
    [InlineData("links.json")]
    [InlineData("links.jsonl")]
    public void Links_OnSdkBatchSpans_FailsTheSpanWithoutLinksAndPassesTheRest(string file)
    {
        var policy = Policy("""
                - id: batch-links
                  select: 'span[name="settle-batch"]'
                  links: '>= 1'
                - id: batch-at-most-two
                  select: 'span[name="settle-batch"]'
                  links: '<= 2'
                - id: publish-unlinked
                  select: 'span[kind=producer]'
                  links: 0
            """);
        var checks = Checks(policy, Sdk(file));
        checks["traces.batch-links"].Outcome.Should().Be(Outcome.Fail);
        checks["traces.batch-links"].Message.Should().Be("1 of 3 spans break the rule: links not >= 1 (1)");
        var offender = checks["traces.batch-links"].Offenders.Should().ContainSingle().Subject;
        offender.SpanName.Should().Be("settle-batch");
        offender.Problem.Should().Be("has 0 span link(s), expected >= 1");
        checks["traces.batch-at-most-two"].Outcome.Should().Be(Outcome.Pass);
        checks["traces.publish-unlinked"].Outcome.Should().Be(Outcome.Pass);
        checks["traces.publish-unlinked"].Spans.Should().Be(3);
    }

    [Fact]
    public void Links_OnJaegerFollowsFrom_CountsTheReferencesThatAreNotTheParent()
    {
        var policy = Policy("""
                - id: referenced
                  select: 'span[name="reference-test"]'
                  links: '== 2'
                - id: plain
                  select: 'span[name="some-operation"]'
                  links: '>= 1'
            """);
        var checks = Checks(policy, Repo.Fixture("Traces/Fixtures/real/jaeger/ui_01.json"));
        checks["traces.referenced"].Outcome.Should().Be(Outcome.Pass, checks["traces.referenced"].Message);
        checks["traces.plain"].Outcome.Should().Be(Outcome.Fail);
        checks["traces.plain"].Message.Should().Be("2 of 2 spans break the rule: links not >= 1 (2)");
    }

    [Fact]
    public void Links_WithOtherSpanChecks_ReportsItsProblemAfterStatus()
    {
        var policy = Policy("""
                - id: batch
                  select: 'span[name="settle-batch"]'
                  attributes: { messaging.batch.message_count: '> 0' }
                  links: '>= 1'
            """);
        var check = Checks(policy, Sdk("links.pb"))["traces.batch"];
        check.Offenders.Single().Problem.Should().Be("messaging.batch.message_count is 0, expected > 0; has 0 span link(s), expected >= 1");
    }

    [Theory]
    [InlineData("links: 'lots'", "traces.rules[0].links: 'lots': expected a comparison such as '>= 1' or '== 0'", 4)]
    [InlineData("links: [1]", "traces.rules[0].links must be a single value, found a list", 4)]
    [InlineData("link: '>= 1'", "unknown key 'link' in traces.rules[0]: did you mean 'links'?", 4)]
    public void Links_WhenValueIsNotAComparison_IsAPolicyErrorWithLine(string line, string message, int lineNo)
    {
        var result = PolicyLoader.Load(".tracegate.yml", "traces:\n  rules:\n    - select: 'span[name=\"a\"]'\n      " + line + "\n");
        result.Policy.Should().BeNull();
        result.Errors.Should().ContainSingle().Which.ToString().Should().Be($".tracegate.yml:{lineNo}: {message}");
    }

    [Fact]
    public void Links_IsARuleKeyOwnedByItsKind()
    {
        AssertionKinds.Find("links").Should().BeOfType<LinksAssertion>();
        AssertionKinds.All.Select(k => k.Key).Should().Equal("count", "attributes", "events-in-order", "forbid-events", "status", "links", "duration", "baseline");
        var rule = Policy("    - select: 'span[name=\"a\"]'\n      links: '>= 1'\n").Rules.Single();
        LinksAssertion.Of(rule).Should().Be(new NumberComparison(CompareOp.Ge, 1, ">= 1"));
        LinksAssertion.Of(Policy("    - select: 'span[name=\"a\"]'\n").Rules.Single()).Should().BeNull("a rule without the key asks nothing of links");
    }
}
