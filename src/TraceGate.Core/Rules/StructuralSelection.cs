using System.Runtime.InteropServices;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>
/// Selectors with ancestors (<c>span[a] span[b]</c>, <c>span[a] &gt; span[b]</c>) need the trace's tree: every span
/// leaves a 32-byte node (ids and which ancestor steps it matched), the spans that match a selector's last step wait as
/// candidates, and the ancestry is resolved after the last span. Each ancestor step (every step of a selector but its
/// last) has one bit of the node's mask.
/// </summary>
internal sealed class StructuralSelection
{
    /// <summary>Ancestors farther up than this are not seen: a corrupt file could make parents loop.</summary>
    public const int MaxHops = 4096;

    private readonly SelectorStep[][] _steps;
    private readonly int[][] _stepBits;
    private readonly Dictionary<TraceId, int> _traceIndex = [];
    private readonly List<Node> _nodes = [];
    private readonly List<Candidate> _candidates = [];

    public StructuralSelection(SelectorStep[][] steps)
    {
        _steps = steps;
        _stepBits = new int[steps.Length][];
        int bit = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            _stepBits[i] = new int[steps[i].Length];
            if (steps[i].Length > 1)
            {
                Active = true;
                for (int s = 0; s < steps[i].Length - 1; s++)
                {
                    _stepBits[i][s] = bit++;
                }
            }
        }

        if (bit > 64)
        {
            throw new ArgumentException("more than 64 ancestor steps across all selectors");
        }
    }

    /// <summary>Some selector has ancestors.</summary>
    public bool Active { get; }

    /// <summary>The mask bit of rule <paramref name="rule"/>'s ancestor step <paramref name="step"/>.</summary>
    public ulong Bit(int rule, int step) => 1UL << _stepBits[rule][step];

    /// <summary>Records one span, in file order: its node, and the rule's candidate when it matched a structural rule's last step.</summary>
    public void AddCandidate(int rule, long duration, List<SpanProblem>? problems, string name) =>
        _candidates.Add(new Candidate(rule, _nodes.Count, duration, problems, name));

    public void AddNode(TraceId trace, ulong span, ulong parent, ulong mask)
    {
        if (!_traceIndex.TryGetValue(trace, out int t))
        {
            t = _traceIndex.Count;
            _traceIndex[trace] = t;
        }

        _nodes.Add(new Node(t, span, parent, mask));
    }

    /// <summary>
    /// Resolves selectors with ancestors once every span has been seen, step by step: a span matches step k when it
    /// matches the step's conditions and its parent (<c>&gt;</c>), or one of its ancestors at most
    /// <see cref="MaxHops"/> hops up (a space), matches step k - 1 in full. Each step is one pass over the spans in
    /// parent-first order that keeps, per span, the distance to the nearest ancestor matching the step before; the
    /// result is written over the span's bit for the step. Linear in spans × steps: the recursive walk it replaces
    /// grew with the depth to the power of the steps (26 to 48 s for four steps over a chain of 400 spans).
    /// </summary>
    public void Finish(RuleRun[] runs)
    {
        if (!Active)
        {
            return;
        }

        var tree = AncestryOrder.Build(_nodes);
        var nodes = CollectionsMarshal.AsSpan(_nodes);
        var distance = new ushort[nodes.Length];
        var traceIds = new TraceId[_traceIndex.Count];
        foreach (var (id, t) in _traceIndex)
        {
            traceIds[t] = id;
        }

        for (int rule = 0; rule < _steps.Length; rule++)
        {
            var steps = _steps[rule];
            if (steps.Length == 1)
            {
                continue;
            }

            for (int step = 1; step < steps.Length; step++)
            {
                ulong before = Bit(rule, step - 1);
                Reach(nodes, tree, before, steps[step].Combinator, distance);
                if (step == steps.Length - 1)
                {
                    break;
                }

                // The span matches this step in full only with its ancestry: clear the bit where it has none.
                ulong bit = Bit(rule, step);
                for (int n = 0; n < nodes.Length; n++)
                {
                    if ((nodes[n].Mask & bit) != 0 && distance[n] > MaxHops)
                    {
                        nodes[n] = nodes[n] with { Mask = nodes[n].Mask & ~bit };
                    }
                }
            }

            // Candidates are in file order, so the offenders are the same whatever the tree.
            foreach (var c in _candidates)
            {
                if (c.Rule == rule && distance[c.Node] <= MaxHops)
                {
                    var node = nodes[c.Node];
                    runs[rule].Add(traceIds[node.Trace], node.Span, c.Name, c.Duration, c.Problem);
                }
            }
        }

        _nodes.Clear();
        _candidates.Clear();
    }

    /// <summary>
    /// For every span, how many hops up the nearest span with <paramref name="before"/> set is: 1 for the parent,
    /// <see cref="MaxHops"/> + 1 for none in reach. With the child combinator only the parent counts.
    /// </summary>
    private static void Reach(Span<Node> nodes, AncestryOrder tree, ulong before, Combinator combinator, ushort[] distance)
    {
        const int none = MaxHops + 1;
        var parent = tree.Parent;
        if (combinator == Combinator.Child)
        {
            for (int n = 0; n < nodes.Length; n++)
            {
                distance[n] = (ushort)(parent[n] >= 0 && (nodes[parent[n]].Mask & before) != 0 ? 1 : none);
            }

            return;
        }

        // Spans on a parent loop first: going up from one of them goes round the loop for ever, so the nearest marked
        // span is at most one lap away. Two laps backwards settle every span of the loop.
        foreach (var loop in tree.Loops)
        {
            int d = none;
            for (int i = (2 * loop.Length) - 1; i >= 0; i--)
            {
                d = (nodes[loop[(i + 1) % loop.Length]].Mask & before) != 0 ? 1 : Math.Min(d + 1, none);
                distance[loop[i % loop.Length]] = (ushort)d;
            }
        }

        foreach (int n in tree.ParentsFirst)
        {
            int p = parent[n];
            distance[n] = (ushort)(p < 0 ? none : (nodes[p].Mask & before) != 0 ? 1 : Math.Min(distance[p] + 1, none));
        }
    }

    internal readonly record struct Node(int Trace, ulong Span, ulong Parent, ulong Mask);

    private readonly record struct Candidate(int Rule, int Node, long Duration, List<SpanProblem>? Problem, string Name);
}
