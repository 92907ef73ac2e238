using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>
/// Selectors with ancestors (<c>span[a] span[b]</c>, <c>span[a] &gt; span[b]</c>), resolved while the spans stream.
/// Each ancestor step (every step of a selector but its last) has one bit of a span's mask. A span whose parent has
/// been seen, with its ancestry known, is resolved on arrival: its state is, per ancestor step, how many hops up the
/// nearest span is that matches the step in full (0: the span itself), and its candidates are decided at once.
/// A span whose parent has not been seen yet waits (64 bytes) until the parent's ancestry is known, then it and the
/// spans waiting under it are resolved; what still waits after the last span (a parent that never came, a parent
/// loop a corrupt file makes) is resolved as before, one pass per step over those spans in parent-first order.
/// <para>What stays per span: 16 bytes in <see cref="SpanTable"/> (at most three quarters full), because any later
/// span may name it as parent (OTLP files carry no "trace complete" mark, and a child may be exported after its
/// parent), plus 2 bytes per ancestor step for spans that have a matching ancestor or match a step themselves, plus
/// about 22 bytes per trace for its number (<see cref="TraceNumbers"/>). Spans whose state is empty keep only their table entry.</para>
/// </summary>
internal sealed class StructuralSelection
{
    /// <summary>Ancestors farther up than this are not seen: a corrupt file could make parents loop.</summary>
    public const int MaxHops = 4096;

    /// <summary>The distance that stands for "no such ancestor in reach".</summary>
    private const ushort None = MaxHops + 1;

    /// <summary>A span's state index when every distance is <see cref="None"/>.</summary>
    private const int Empty = -1;

    private readonly SelectorStep[][] _steps;
    private readonly int[][] _stepBits;
    private readonly int[] _structural;
    private readonly int _width;
    private readonly CandidateQueue _queue;
    private readonly TraceNumbers _traces = new();
    private readonly SpanTable _known = new();

    /// <summary>Per resolved span with a non-empty state, <see cref="_width"/> distances, in blocks that never move
    /// (growing one array would leave its old copies for the collector: measured, a tenth of the peak).</summary>
    private readonly List<ushort[]> _states = [];
    private int _stateCount;
    private const int StateBlockBits = 12;

    /// <summary>Spans waiting for a parent, each in the list of its parent's waiting children (<see cref="Pending.Next"/>).</summary>
    private Pending[] _pending = new Pending[64];
    private int _pendingUsed;
    private int _free = -1;
    private int _pendingLive;
    private long _arrivals;

    private readonly List<(int Rule, long Duration, SpanProblems? Problems, string Name)> _current = [];
    private readonly ushort[] _scratch;
    private readonly Stack<(int Head, int State)> _resolved = new();
    private TraceId _lastTrace;
    private int _lastT = -1;

    public StructuralSelection(SelectorStep[][] steps, RuleRun[] runs)
    {
        _steps = steps;
        _stepBits = new int[steps.Length][];
        _queue = new CandidateQueue(runs);
        var structural = new List<int>();
        int bit = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            _stepBits[i] = new int[steps[i].Length];
            if (steps[i].Length > 1)
            {
                Active = true;
                structural.Add(i);
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

        _structural = [.. structural];
        _width = bit;
        _scratch = new ushort[bit];
    }

    /// <summary>Some selector has ancestors.</summary>
    public bool Active { get; }

    /// <summary>Spans waiting for a parent now.</summary>
    public int Waiting => _pendingLive;

    /// <summary>Spans that waited for a parent, in all.</summary>
    public long Waited { get; private set; }

    /// <summary>Bytes held now for the spans seen (table, states, waiting spans and candidates), for the benchmark's figure.</summary>
    public long Bytes => _known.Bytes + (_states.Count * ((long)_width << StateBlockBits) * 2) + (_pending.Length * 64L) + _traces.Bytes + _queue.Bytes;

    /// <summary>The mask bit of rule <paramref name="rule"/>'s ancestor step <paramref name="step"/>.</summary>
    public ulong Bit(int rule, int step) => 1UL << _stepBits[rule][step];

    /// <summary>The span about to be added (<see cref="AddNode"/>) matched rule <paramref name="rule"/>'s last step.</summary>
    public void AddCandidate(int rule, long duration, SpanProblems? problems, string name) =>
        _current.Add((rule, duration, problems, name));

    /// <summary>
    /// Adds one span, in file order, after its candidates. Two probes of the table: the parent (its state, or where
    /// to wait: under a waiting parent, or under a placeholder for a parent not seen yet) and the span itself (the
    /// first with its id takes over its placeholder and resolves, or adopts, the spans that waited for it).
    /// </summary>
    public void AddNode(TraceId trace, ulong span, ulong parent, ulong mask)
    {
        int t = TraceNumber(trace);
        int parentState = Empty, p = -1;
        bool known = true;
        if (parent != 0)
        {
            int next = _free >= 0 ? _free : _pendingUsed;
            ref int pv = ref _known.GetOrAdd(t, parent, Placeholder(next), out bool seen);
            if (seen && pv >= Empty)
            {
                parentState = pv;
            }
            else
            {
                known = false;
                int head = -1;
                if (seen && pv > PlaceholderBase)
                {
                    // The parent came and waits itself: wait under it.
                    int waiting = -2 - pv;
                    head = _pending[waiting].Children;
                    _pending[waiting] = _pending[waiting] with { Children = next };
                }
                else if (seen)
                {
                    head = PlaceholderBase - pv;
                    pv = Placeholder(next);
                }

                p = NewPending(new Pending(t, span, parent, mask, _arrivals, _queue.NextSeq, _current.Count, head, -1, false));
            }
        }

        foreach (var c in _current)
        {
            _queue.Add(c.Rule, trace, span, c.Name, c.Duration, c.Problems, known ? Selects(c.Rule, parentState) : null);
        }

        _current.Clear();
        _arrivals++;
        int self = known ? State(parentState, mask) : -2 - p;
        ref int sv = ref _known.GetOrAdd(t, span, self, out bool had);
        if (!known)
        {
            Waited++;
        }

        if (had && sv <= PlaceholderBase)
        {
            // The first span with this id, and spans already wait for it.
            int head = PlaceholderBase - sv;
            sv = self;
            if (known)
            {
                Propagate(t, head, self);
            }
            else
            {
                _pending[p] = _pending[p] with { Registered = true, Children = head };
            }
        }
        else if (!had && !known)
        {
            _pending[p] = _pending[p] with { Registered = true };
        }
    }

    /// <summary>
    /// Resolves what still waits once every span has been seen: spans whose parent never came and parent loops, in
    /// arrival order. A step is one pass over them in parent-first order that keeps, per span, the distance to the
    /// nearest ancestor matching the step before; linear in spans × steps (the recursive walk this replaced grew with
    /// the depth to the power of the steps).
    /// </summary>
    public void Finish()
    {
        if (!Active)
        {
            return;
        }

        var live = new List<int>(_pendingLive);
        for (int p = 0; p < _pendingUsed; p++)
        {
            if (_pending[p].Arrival >= 0)
            {
                live.Add(p);
            }
        }

        live.Sort((a, b) => _pending[a].Arrival.CompareTo(_pending[b].Arrival));
        var nodes = new Node[live.Count];
        for (int n = 0; n < live.Count; n++)
        {
            var w = _pending[live[n]];
            nodes[n] = new Node(w.Trace, w.Span, w.Parent, w.Mask);
        }

        var tree = AncestryOrder.Build(nodes);
        var distance = new ushort[nodes.Length];
        foreach (int rule in _structural)
        {
            var steps = _steps[rule];
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

            for (int n = 0; n < nodes.Length; n++)
            {
                var w = _pending[live[n]];
                for (long seq = w.FirstCandidate; seq < w.FirstCandidate + w.Candidates; seq++)
                {
                    if (_queue.RuleOf(seq) == rule)
                    {
                        _queue.Resolve(seq, distance[n] <= MaxHops);
                    }
                }
            }
        }

        _traces.Clear();
        _lastT = -1;
        _known.Clear();
        _pending = new Pending[64];
        _pendingUsed = 0;
        _pendingLive = 0;
        _free = -1;
        _states.Clear();
        _stateCount = 0;
    }

    /// <summary>Whether a span whose parent has state <paramref name="parentState"/> is selected by rule <paramref name="rule"/>.</summary>
    private bool Selects(int rule, int parentState)
    {
        var steps = _steps[rule];
        ushort near = Near(parentState, _stepBits[rule][steps.Length - 2]);
        return steps[^1].Combinator == Combinator.Child ? near == 0 : near < MaxHops;
    }

    /// <summary>
    /// The state of a span with mask <paramref name="mask"/> under a parent with state <paramref name="parentState"/>
    /// (<see cref="Empty"/> for none): for each ancestor step, 0 when the span matches it in full (its conditions,
    /// and its ancestry for the steps before), else one more hop than the parent's nearest such ancestor.
    /// </summary>
    private int State(int parentState, ulong mask)
    {
        bool empty = true;
        foreach (int rule in _structural)
        {
            var steps = _steps[rule];
            var bits = _stepBits[rule];
            for (int j = 0; j < steps.Length - 1; j++)
            {
                int b = bits[j];
                bool full = (mask & (1UL << b)) != 0;
                if (full && j > 0)
                {
                    ushort before = Near(parentState, bits[j - 1]);
                    full = steps[j].Combinator == Combinator.Child ? before == 0 : before < MaxHops;
                }

                ushort d = full ? (ushort)0 : (ushort)Math.Min(Near(parentState, b) + 1, None);
                _scratch[b] = d;
                empty &= d == None;
            }
        }

        if (empty)
        {
            return Empty;
        }

        if ((_stateCount >> StateBlockBits) == _states.Count)
        {
            _states.Add(new ushort[_width << StateBlockBits]);
        }

        _scratch.CopyTo(_states[_stateCount >> StateBlockBits], (_stateCount & ((1 << StateBlockBits) - 1)) * _width);
        return _stateCount++;
    }

    private ushort Near(int state, int bit) =>
        state == Empty ? None : _states[state >> StateBlockBits][((state & ((1 << StateBlockBits) - 1)) * _width) + bit];

    /// <summary>The spans from <paramref name="head"/> on waited for a parent now resolved with <paramref name="state"/>:
    /// they are resolved, and the spans that waited for them in turn.</summary>
    private void Propagate(int t, int head, int state)
    {
        _resolved.Push((head, state));
        while (_resolved.TryPop(out var done))
        {
            for (int c = done.Head; c >= 0;)
            {
                var w = _pending[c];
                for (long seq = w.FirstCandidate; seq < w.FirstCandidate + w.Candidates; seq++)
                {
                    _queue.Resolve(seq, Selects(_queue.RuleOf(seq), done.State));
                }

                int childState = State(done.State, w.Mask);
                // Only the first span with an id is anyone's parent; a later one with the same id has no children.
                if (w.Registered)
                {
                    _known.ValueOf(t, w.Span) = childState;
                    if (w.Children >= 0)
                    {
                        _resolved.Push((w.Children, childState));
                    }
                }

                Release(c);
                c = w.Next;
            }
        }
    }

    /// <summary>Table values: a state (0 up), <see cref="Empty"/>, a waiting span (-2 - its slot), or a placeholder
    /// for a span not seen yet that others wait for (<see cref="PlaceholderBase"/> - the first waiting slot).</summary>
    private const int PlaceholderBase = -2 - (1 << 29);

    private static int Placeholder(int head) => PlaceholderBase - head;

    private int TraceNumber(TraceId trace)
    {
        // A trace's spans mostly come together: one dictionary lookup per run of them.
        if (_lastT >= 0 && trace == _lastTrace)
        {
            return _lastT;
        }

        int t = _traces.NumberOf(trace);
        _lastTrace = trace;
        _lastT = t;
        return t;
    }

    private int NewPending(Pending w)
    {
        int p;
        if (_free >= 0)
        {
            p = _free;
            _free = _pending[p].Next;
        }
        else
        {
            if (_pendingUsed == _pending.Length)
            {
                Array.Resize(ref _pending, _pending.Length * 2);
            }

            p = _pendingUsed++;
        }

        _pending[p] = w;
        _pendingLive++;
        return p;
    }

    private void Release(int p)
    {
        _pending[p] = default(Pending) with { Arrival = -1, Next = _free, Children = -1 };
        _free = p;
        _pendingLive--;
    }

    /// <summary>
    /// For every span, how many hops up the nearest span with <paramref name="before"/> set is: 1 for the parent,
    /// <see cref="MaxHops"/> + 1 for none in reach. With the child combinator only the parent counts.
    /// </summary>
    private static void Reach(Node[] nodes, AncestryOrder tree, ulong before, Combinator combinator, ushort[] distance)
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

    /// <summary>A span waiting for its parent: its candidates are <see cref="Candidates"/> numbers from <see cref="FirstCandidate"/>;
    /// <see cref="Next"/> is the next span waiting for the same parent, <see cref="Children"/> the first waiting for
    /// this one; <see cref="Registered"/> when it is the first span with its id. <see cref="Arrival"/> is -1 in a free
    /// slot, whose <see cref="Next"/> is the next free one.</summary>
    private readonly record struct Pending(int Trace, ulong Span, ulong Parent, ulong Mask, long Arrival, long FirstCandidate, int Candidates, int Next, int Children, bool Registered);
}
