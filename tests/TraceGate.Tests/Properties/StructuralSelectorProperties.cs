using FluentAssertions;
using TraceGate.Core.Gates;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Rules;
using ProtoSpan = TraceGate.Core.Otlp.Proto.Span;

namespace TraceGate.Tests.Properties;

/// <summary>
/// The rule engine's resolution of ancestor steps selects exactly the spans that the plain recursive walk it replaced
/// selects (kept here as the reference, memoised so it finishes): random forests over two traces with missing
/// parents, duplicate span ids and parent loops, random selectors of two to five steps with both combinators, and
/// spans in random order.
/// </summary>
public sealed class StructuralSelectorProperties
{
    private const int Cases = 600;
    private const int MaxHops = 4096;
    private static readonly string[] Names = ["a", "b", "c"];

    private sealed record RefSpan(int Trace, ulong Id, ulong Parent, string Name);

    private sealed record Step(bool Child, string? Name, bool Negate);

    [Fact]
    public void AncestorSteps_SelectWhatTheRecursiveWalkSelects()
    {
        const int seed = 20261201;
        var random = new Random(seed);
        int nonEmpty = 0, loops = 0, partial = 0;
        for (int n = 0; n < Cases; n++)
        {
            var spans = Forest(random, out bool looped);
            var steps = Steps(random);
            string selector = string.Join(" ", steps.Select((s, i) => (i > 0 && s.Child ? "> " : "") + (s.Name is null ? "span" : $"span[name{(s.Negate ? "!=" : "=")}{s.Name}]")));
            int expected = Reference(spans, steps);
            int actual = Engine(spans, selector);
            actual.Should().Be(expected, $"seed {seed}, case {n}: {selector} over {string.Join(", ", spans.Select(s => $"{s.Trace}:{s.Id}<{s.Parent} {s.Name}"))}");
            nonEmpty += expected > 0 ? 1 : 0;
            partial += expected > 0 && expected < spans.Count(s => Matches(steps[^1], s)) ? 1 : 0;
            loops += looped ? 1 : 0;
        }

        // The generator must give both outcomes, ancestor steps that reject some spans, and loops.
        nonEmpty.Should().BeGreaterThan(Cases / 4);
        (Cases - nonEmpty).Should().BeGreaterThan(Cases / 10);
        partial.Should().BeGreaterThan(Cases / 10);
        loops.Should().BeGreaterThan(Cases / 20);
    }

    private static List<RefSpan> Forest(Random r, out bool looped)
    {
        int count = r.Next(1, 40);
        var spans = new List<RefSpan>();
        for (int i = 0; i < count; i++)
        {
            ulong id = r.Next(10) == 0 && i > 0 ? spans[r.Next(i)].Id : (ulong)(i + 1);
            // Mostly a parent seen before (a tree), sometimes a later one (which may close a loop), a missing one, or none.
            ulong parent = r.Next(10) switch
            {
                0 => 0,
                1 => (ulong)r.Next(1, count + 1),
                2 => 999,
                _ => i == 0 ? 0 : (ulong)r.Next(1, i + 1),
            };
            spans.Add(new RefSpan(r.Next(6) == 0 ? 1 : 0, id, parent, Names[r.Next(Names.Length)]));
        }

        looped = HasLoop(spans);
        return [.. spans.OrderBy(_ => r.Next())];
    }

    /// <summary>
    /// The streaming resolution (a span resolved when its parent's ancestry is known, the rest after the last span)
    /// hands the rule the spans the reference selects, in file order (so the first offenders are the same), whatever
    /// the order and the batches: deep chains past 4,096 hops, wide fans, parents before or after their children,
    /// missing parents, duplicate ids and loops, cut into several ExportTraceServiceRequests.
    /// </summary>
    [Fact]
    public void AncestorSteps_AcrossBatchesInAnyOrder_SelectTheReferenceSpansInFileOrder()
    {
        const int seed = 20261216;
        var random = new Random(seed);
        int nonEmpty = 0, waited = 0, deep = 0, waitedAtEnd = 0;
        for (int n = 0; n < 160; n++)
        {
            var spans = Shaped(random, n, out bool isDeep);
            // Over a deep chain (an a at the top, b below, a rare c) the steps go from a to b, so the 4,096-hop bound decides.
            var steps = isDeep
                ? [new Step(false, "a", false), .. Enumerable.Range(0, random.Next(0, 2)).Select(_ => new Step(random.Next(2) == 0, random.Next(3) == 0 ? "c" : "b", false)), new Step(random.Next(4) == 0, "b", false)]
                : Steps(random);
            string selector = string.Join(" ", steps.Select((s, i) => (i > 0 && s.Child ? "> " : "") + (s.Name is null ? "span" : $"span[name{(s.Negate ? "!=" : "=")}{s.Name}]")));
            var expected = Selected(spans, steps);
            var (actual, waiting, atEnd) = EngineInOrder(spans, selector, random);
            waitedAtEnd += atEnd ? 1 : 0;
            actual.Should().Equal(expected, $"seed {seed}, case {n}: {selector} over {spans.Count} spans");
            nonEmpty += expected.Count > 0 ? 1 : 0;
            waited += waiting ? 1 : 0;
            deep += isDeep && expected.Count > 0 ? 1 : 0;
        }

        // Both outcomes, spans that waited for a parent arriving later, and deep chains that select something.
        nonEmpty.Should().BeGreaterThan(40);
        (160 - nonEmpty).Should().BeGreaterThan(10);
        waited.Should().BeGreaterThan(40);
        deep.Should().BeGreaterThan(3);
        waitedAtEnd.Should().BeGreaterThan(10);
    }

    /// <summary>A forest of one of four shapes, in one of three orders: parent first, children first, random.</summary>
    private static List<RefSpan> Shaped(Random r, int n, out bool deep)
    {
        var spans = new List<RefSpan>();
        deep = n % 20 == 0;
        int traces = deep ? 1 : r.Next(1, 4);
        for (int t = 0; t < traces; t++)
        {
            ulong next = 1;
            int count = deep ? r.Next(4090, 4300) : r.Next(1, 300);
            for (int i = 0; i < count; i++, next++)
            {
                ulong parent = i == 0 ? 0 : (deep ? 0 : n % 3) switch
                {
                    0 => next - 1,                                 // a chain
                    1 => (ulong)r.Next(1, Math.Min(4, i + 1)),     // a wide fan under the first few
                    _ => (ulong)r.Next(1, i + 1),                  // a random tree
                };
                if (!deep && r.Next(40) == 0)
                {
                    parent = r.Next(2) == 0 ? 9999 : (ulong)r.Next(1, count + 1); // missing, or later (maybe a loop)
                }

                ulong id = !deep && r.Next(60) == 0 && i > 0 ? (ulong)r.Next(1, i + 1) : next;
                string name = deep ? (i == 0 ? "a" : r.Next(500) == 0 ? "c" : "b") : Names[r.Next(Names.Length)];
                spans.Add(new RefSpan(t, id, parent, name));
            }
        }

        return (deep ? n / 20 % 3 : n / 3 % 3) switch
        {
            0 => spans,
            1 => [.. Enumerable.Reverse(spans)],
            _ => [.. spans.OrderBy(_ => r.Next())],
        };
    }

    /// <summary>The engine's selected spans in the order the rule received them (their durations are their file
    /// positions), the spans cut into requests of random sizes.</summary>
    private static (List<int> Selected, bool Waited, bool WaitedAtEnd) EngineInOrder(List<RefSpan> spans, string selector, Random r)
    {
        var rule = new TraceRule("r", 1, SelectorParser.Parse(selector, out var error) ?? throw new ArgumentException(error))
        {
            Count = new NumberComparison(CompareOp.Ge, 0, ">= 0"),
            Duration = [new DurationBudget("max", new NumberComparison(CompareOp.Ge, 0, ">= 0"))],
        };
        var policy = new TracesPolicy([], [], [rule]);
        var engine = new RuleEngine(policy);
        var traces = new[] { Otlp.Trace1, Convert.FromHexString("1111111111111111111111111111111a"), Convert.FromHexString("2222222222222222222222222222222b") };
        var file = new MemoryStream();
        for (int at = 0; at < spans.Count;)
        {
            int batch = Math.Min(spans.Count - at, r.Next(1, 600));
            var proto = spans.Skip(at).Take(batch).Select((s, i) => Otlp.Span(s.Name, s.Id, s.Parent, durationMs: at + i + 1, traceId: traces[s.Trace])).ToArray();
            file.Write(Otlp.Request(proto));
            at += batch;
        }

        SpanCollector.ReadBytes(file.ToArray(), engine);
        bool atEnd = engine.Structure.Waiting > 0;
        engine.Finish();
        return ([.. engine.Runs[0].Durations.Select(d => (int)(d / 1_000_000) - 1)], engine.Structure.Waited > 0, atEnd);
    }

    private static bool HasLoop(List<RefSpan> spans)
    {
        var first = new Dictionary<(int, ulong), RefSpan>();
        foreach (var s in spans)
        {
            first.TryAdd((s.Trace, s.Id), s);
        }

        foreach (var s in spans)
        {
            var seen = new HashSet<RefSpan>();
            for (var cur = s; first.TryGetValue((cur.Trace, cur.Parent), out var p) && cur.Parent != 0; cur = p)
            {
                if (!seen.Add(p))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static Step[] Steps(Random r) =>
        [.. Enumerable.Range(0, r.Next(2, 6)).Select(_ => new Step(r.Next(3) == 0, r.Next(8) == 0 ? null : Names[r.Next(Names.Length)], r.Next(6) == 0))];

    private static bool Matches(Step step, RefSpan span) => step.Name is null || (span.Name == step.Name) != step.Negate;

    private static int Engine(List<RefSpan> spans, string selector)
    {
        var rule = new TraceRule("r", 1, SelectorParser.Parse(selector, out var error) ?? throw new ArgumentException(error))
        {
            Count = new NumberComparison(CompareOp.Ge, 0, ">= 0"),
        };
        var policy = new TracesPolicy([], [], [rule]);
        var engine = new RuleEngine(policy);
        var traces = new[] { Otlp.Trace1, Convert.FromHexString("1111111111111111111111111111111a") };
        var proto = spans.Select(s => Otlp.Span(s.Name, s.Id, s.Parent, traceId: traces[s.Trace])).ToArray();
        SpanCollector.ReadBytes(Otlp.Request(proto), engine);
        engine.Finish();
        return (int)TraceGates.Evaluate(policy, engine, null).Single().Spans!;
    }

    /// <summary>The walk the engine used before: from a span, up to 4,096 hops through its parents (the first span
    /// with an id wins), recursing into the earlier steps at each ancestor that matches the step before. Its answer
    /// for (step, span) never changes, so it is memoised; nothing else differs.</summary>
    private static int Reference(List<RefSpan> spans, Step[] steps) => Selected(spans, steps).Count;

    /// <summary>The file positions of the spans the reference walk selects, in file order.</summary>
    private static List<int> Selected(List<RefSpan> spans, Step[] steps)
    {
        var index = new Dictionary<(int, ulong), int>();
        for (int i = 0; i < spans.Count; i++)
        {
            index.TryAdd((spans[i].Trace, spans[i].Id), i);
        }

        var memo = new Dictionary<(int, int), bool>();
        bool AncestorsMatch(int step, int node)
        {
            if (step == 0)
            {
                return true;
            }

            if (memo.TryGetValue((step, node), out bool known))
            {
                return known;
            }

            bool result = false;
            var current = node;
            for (int hops = 0; hops < MaxHops; hops++)
            {
                var c = spans[current];
                if (c.Parent == 0 || !index.TryGetValue((c.Trace, c.Parent), out int p))
                {
                    break;
                }

                current = p;
                if (Matches(steps[step - 1], spans[current]) && AncestorsMatch(step - 1, current))
                {
                    result = true;
                    break;
                }

                if (steps[step].Child)
                {
                    break;
                }
            }

            memo[(step, node)] = result;
            return result;
        }

        return [.. Enumerable.Range(0, spans.Count).Where(i => Matches(steps[^1], spans[i]) && AncestorsMatch(steps.Length - 1, i))];
    }
}
