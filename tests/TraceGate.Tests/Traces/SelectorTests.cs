using FluentAssertions;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Rules;

namespace TraceGate.Tests.Traces;

public sealed class SelectorTests
{
    [Theory]
    [InlineData("span[name=\"apply\"]", 1)]
    [InlineData("span[service.name=\"transfer-svc\" name=\"apply\"]", 1)]
    [InlineData("span[name='a'] span[name='b']", 2)]
    [InlineData("span[name=a] > span[name=b]", 2)]
    [InlineData("span[kind=server]", 1)]
    [InlineData("span", 1)]
    [InlineData("span[http.route=\"/transfer\" http.response.status_code=500]", 1)]
    public void Parse_ValidSelectors(string text, int steps)
    {
        SelectorParser.Parse(text, out var error).Should().NotBeNull(error).And.Subject.As<Selector>().Steps.Should().HaveCount(steps);
    }

    [Theory]
    [InlineData("span[name=\"apply\"", "expected ']' to close 'span[' at column 18")]
    [InlineData("span[name=\"apply]", "expected a closing \" at column 18")]
    [InlineData("spam[name=x]", "expected 'span' at column 1")]
    [InlineData("span[name x]", "expected '=' or '!=' after 'name' at column 11")]
    [InlineData("span[kind=sever]", "kind=sever: expected one of internal, server, client, producer, consumer, unspecified")]
    [InlineData("span[name=a] >", "expected a span after '>'")]
    [InlineData("", "the selector is empty")]
    public void Parse_InvalidSelectors_SayWhatWasExpectedWhere(string text, string message)
    {
        SelectorParser.Parse(text, out var error).Should().BeNull();
        error.Should().Contain(message);
    }

    private static Check RunRule(string selector, params TraceGate.Core.Otlp.Proto.Span[] spans)
    {
        var rule = new TraceRule("r", 1, SelectorParser.Parse(selector, out _)!) { Count = new NumberComparison(CompareOp.Ge, 0, ">= 0") };
        var policy = new TracesPolicy([], [], [rule]);
        var engine = new RuleEngine(policy);
        SpanCollector.ReadBytes(Otlp.Request(spans), engine);
        engine.Finish();
        return TraceGates.Evaluate(policy, engine, null).Single();
    }

    // root(A) -> B -> C, and a second C directly under A.
    private static readonly TraceGate.Core.Otlp.Proto.Span[] Tree =
    [
        Otlp.Span("C", 3, parent: 2),
        Otlp.Span("A", 1),
        Otlp.Span("B", 2, parent: 1),
        Otlp.Span("C", 4, parent: 1),
    ];

    [Theory]
    [InlineData("span[name=C]", 2)]
    [InlineData("span[name=A] span[name=C]", 2)]
    [InlineData("span[name=A] > span[name=C]", 1)]
    [InlineData("span[name=B] > span[name=C]", 1)]
    [InlineData("span[name=B] span[name=A]", 0)]
    [InlineData("span[name=A] span[name=B] span[name=C]", 1)]
    [InlineData("span[name=A] > span[name=B] > span[name=C]", 1)]
    [InlineData("span[name!=A] > span[name=C]", 1)]
    [InlineData("span[service.name=transfer-svc name=C]", 2)]
    [InlineData("span[service.name=other]", 0)]
    public void Select_DescendantAndChildCombinators(string selector, int selected)
    {
        RunRule(selector, Tree).Spans.Should().Be(selected);
    }

    [Fact]
    public void Select_ChildrenArriveBeforeParents_StillResolved()
    {
        // Exporters flush children first: the tree is resolved after the last span.
        RunRule("span[name=A] > span[name=B] > span[name=C]", [.. Tree.Reverse()]).Spans.Should().Be(1);
    }

    [Fact]
    public void Select_SameSpanIdInAnotherTrace_DoesNotLeakAcrossTraces()
    {
        var other = Convert.FromHexString("1111111111111111111111111111111a");
        RunRule("span[name=A] > span[name=C]", Otlp.Span("A", 1, traceId: other), Otlp.Span("C", 9, parent: 1)).Spans.Should().Be(0);
    }

    [Fact]
    public void Rule_SelectingNothing_FailsUnlessCountAllowsZero()
    {
        var rule = new TraceRule("r", 4, SelectorParser.Parse("span[name=nope]", out _)!);
        var policy = new TracesPolicy([], [], [rule]) { PolicyPath = ".tracegate.yml" };
        var engine = new RuleEngine(policy);
        SpanCollector.ReadBytes(Otlp.Request(Otlp.Span("A", 1)), engine);
        var check = TraceGates.Evaluate(policy, engine, null).Single();
        check.Outcome.Should().Be(Outcome.Fail);
        check.Message.Should().Be("selected no span (span[name=nope]); count must be >= 1");
        check.Location.Should().Be(new SourceLocation(".tracegate.yml", 4));
    }

    [Fact]
    public void Rule_FewerSpansThanMinSamples_IsInconclusiveInsteadOfPassing()
    {
        var rule = new TraceRule("lat", 1, SelectorParser.Parse("span[name=A]", out _)!)
        {
            Duration = [new DurationBudget("p95", Quantities.DurationLimit("<= 1ms", out _)!)],
        };
        var policy = new TracesPolicy([], [], [rule]);
        var engine = new RuleEngine(policy);
        SpanCollector.ReadBytes(Otlp.Request(Otlp.Span("A", 1, durationMs: 50)), engine);
        var check = TraceGates.Evaluate(policy, engine, null).Single();
        // Issue 22: too few spans is its own outcome, inconclusive (neutral), where it used to be a warning.
        check.Outcome.Should().Be(Outcome.Inconclusive);
        check.Message.Should().Contain("only 1 span(s): at least 20 (min-samples)");
    }
}
