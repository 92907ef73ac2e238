using FluentAssertions;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Rules;
using ProtoSpan = TraceGate.Core.Otlp.Proto.Span;

namespace TraceGate.Tests.Traces;

/// <summary>
/// Selectors with ancestor steps over deep and corrupt trees. The ancestor walk once cached nothing, so a selector
/// of repeated steps over a deep chain took minutes; the timeouts guard against that hang (how fast it is, is
/// measured by bench/bounds.sh, not asserted here).
/// </summary>
public sealed class StructuralSelectorTests
{
    private static Check RunRule(string selector, IEnumerable<ProtoSpan> spans)
    {
        var rule = new TraceRule("r", 1, SelectorParser.Parse(selector, out var error) ?? throw new ArgumentException(error))
        {
            Count = new NumberComparison(CompareOp.Ge, 0, ">= 0"),
        };
        var policy = new TracesPolicy([], [], [rule]);
        var engine = new RuleEngine(policy);
        SpanCollector.ReadBytes(Otlp.Request([.. spans]), engine);
        engine.Finish();
        return TraceGates.Evaluate(policy, engine, null).Single();
    }

    /// <summary>A root named <paramref name="root"/> (id 1) and a chain of <paramref name="depth"/> spans named a under it.</summary>
    private static IEnumerable<ProtoSpan> Chain(string root, int depth) =>
        new[] { Otlp.Span(root, 1) }.Concat(Enumerable.Range(2, depth).Select(i => Otlp.Span("a", (ulong)i, parent: (ulong)i - 1)));

    [Theory(Timeout = 60_000)]
    [InlineData("r", 0)]
    [InlineData("x", 1000 - 2)]
    public async Task Select_RepeatedStepsOverADeepChain_Finishes(string root, int selected)
    {
        // The case, deeper: 400 spans took 26 to 48 s; the walk grew with the cube of the depth.
        var check = await Task.Run(() => RunRule("span[name=x] span[name=a] span[name=a] span[name=a]", Chain(root, 1000)));
        check.Spans.Should().Be(selected);
    }

    [Fact(Timeout = 60_000)]
    public async Task Select_ManyRepeatedStepsOverADeepChainWithoutTheRoot_Finishes()
    {
        var check = await Task.Run(() => RunRule("span[name=x] span[name=a] span[name=a] span[name=a] span[name=a] span[name=a]", Chain("r", 400)));
        check.Spans.Should().Be(0);
    }

    [Fact]
    public void Select_AncestorsFartherThan4096Hops_AreNotSeen()
    {
        // The walk is bounded at 4,096 hops per step (a corrupt file could make parents loop): the a spans more than
        // 4,096 hops below x are not its descendants for the selector.
        RunRule("span[name=x] span[name=a]", Chain("x", 5000)).Spans.Should().Be(4096);
        RunRule("span[name=x] span[name=a] span[name=a]", Chain("x", 5000)).Spans.Should().Be(5000 - 1, "every a but the first is within 4,096 hops of one that is within 4,096 of x");
        RunRule("span[name=x] > span[name=a] span[name=a]", Chain("x", 5000)).Spans.Should().Be(4096);
    }

    [Fact]
    public void Select_OverThousandsOfTracesWithTheSameSpanIds_KeepsEachTraceApart()
    {
        // 3,000 traces (the trace numbers and the span table grow several times), each root id 1 with children 2 and
        // 3, children first; only every third trace's root is x, and a span's parent is looked up in its own trace.
        var spans = Enumerable.Range(0, 3000).SelectMany(t =>
        {
            var trace = Convert.FromHexString($"{t + 1:x32}");
            return new[]
            {
                Otlp.Span("a", 2, parent: 1, traceId: trace),
                Otlp.Span("b", 3, parent: 2, traceId: trace),
                Otlp.Span(t % 3 == 0 ? "x" : "r", 1, traceId: trace),
            };
        }).ToArray();
        RunRule("span[name=x] > span[name=a]", spans).Spans.Should().Be(1000);
        RunRule("span[name=x] span[name=b]", spans).Spans.Should().Be(1000);
        RunRule("span[name=r] > span[name=b]", spans).Spans.Should().Be(0);
    }

    [Fact]
    public void Select_WhenParentsLoop_FinishesAndReadsTheLoopAsAncestry()
    {
        // A corrupt file: A's parent is B and B's parent is A; C hangs under A. Walking up from C meets A, B, A, ...
        var spans = new[] { Otlp.Span("A", 1, parent: 2), Otlp.Span("B", 2, parent: 1), Otlp.Span("C", 3, parent: 1) };
        RunRule("span[name=B] span[name=C]", spans).Spans.Should().Be(1);
        RunRule("span[name=A] > span[name=B] > span[name=A] span[name=C]", spans).Spans.Should().Be(1);
        RunRule("span[name=A] span[name=A]", spans).Spans.Should().Be(1, "A is two hops above itself");
        RunRule("span[name=C] span[name=A]", spans).Spans.Should().Be(0);
    }
}
