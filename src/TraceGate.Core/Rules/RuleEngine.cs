using System.Globalization;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>
/// Evaluates the trace rules while the readers stream spans. A rule whose selector is one step is judged span by
/// span and keeps only durations. A selector with ancestors (<c>span[a] span[b]</c>, <c>span[a] &gt; span[b]</c>)
/// needs the trace's tree: then every span leaves a 32-byte node (ids and which steps it matched), and the
/// ancestry is resolved after the last span.
/// </summary>
public sealed class RuleEngine : IJudgingSpanSink
{
    private const int MaxIntegrityOffenders = 20;
    private readonly TracesPolicy _policy;
    private readonly RuleRun[] _runs;
    private readonly CompiledRule[] _rules;
    private readonly int[][] _stepBits;
    private readonly bool _structural;
    private readonly Dictionary<TraceId, int> _traceIndex = [];
    private readonly List<Node> _nodes = [];
    private readonly List<Candidate> _candidates = [];
    private readonly HashSet<ResourceData> _scannedResources = new(ReferenceEqualityComparer.Instance);

    public RuleEngine(TracesPolicy policy)
    {
        _policy = policy;
        _runs = policy.Rules.Select(r => new RuleRun(r)).ToArray();
        _rules = policy.Rules.Select(r => new CompiledRule(r)).ToArray();
        _stepBits = new int[policy.Rules.Count][];
        int bit = 0;
        for (int i = 0; i < policy.Rules.Count; i++)
        {
            var steps = policy.Rules[i].Selector.Steps;
            _stepBits[i] = new int[steps.Count];
            if (steps.Count > 1)
            {
                _structural = true;
                for (int s = 0; s < steps.Count - 1; s++)
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

    public long Spans { get; private set; }

    public IReadOnlyList<RuleRun> Runs => _runs;

    /// <summary>Spans per name. A plain dictionary: a sorted one cost a tenth of the run; readers sort at the end.</summary>
    public Dictionary<string, long> SpanNames { get; } = new(StringComparer.Ordinal);

    public List<Offender> Integrity { get; } = [];

    public long IntegrityProblems { get; private set; }

    public List<Offender> Redactions { get; } = [];

    public long RedactionProblems { get; private set; }

    /// <summary>Which attribute keys the rules read: the readers materialise only these.</summary>
    public static IReadOnlySet<string> KeysNeeded(TracesPolicy policy) =>
        policy.Rules.SelectMany(r => r.Selector.Keys.Concat(r.Attributes.Select(a => a.Key))).ToHashSet(StringComparer.Ordinal);

    public void OnSpan(SpanData span) => Apply(Judge(span, _scratch ??= new SpanJudgement()));

    private SpanJudgement? _scratch;

    /// <summary>
    /// What one span means for the rules: which selectors match and what is wrong with it. Reads only the policy, so
    /// reader threads can run it while they parse; <see cref="Apply"/> then adds the results in file order.
    /// </summary>
    public SpanJudgement Judge(SpanData span, SpanJudgement? reuse)
    {
        var j = reuse ?? new SpanJudgement();
        j.Reset(_runs.Length);
        j.TraceId = span.TraceId;
        j.SpanId = span.SpanId;
        j.ParentSpanId = span.ParentSpanId;
        j.Name = span.Name;
        j.Duration = span.DurationNanos;
        j.Resource = span.Resource;
        j.Integrity = span.TraceId.IsZero ? "has an all-zero trace id"
            : span.SpanId == 0 ? "has an all-zero span id"
            : span.EndUnixNano < span.StartUnixNano ? $"ends before it starts (start {span.StartUnixNano}, end {span.EndUnixNano}, at {span.Position})"
            : null;
        if (_policy.RedactionForbid.Count > 0)
        {
            ScanRedaction(span, j);
        }

        for (int i = 0; i < _rules.Length; i++)
        {
            var steps = _rules[i].Steps;
            for (int s = 0; s < steps.Length - 1; s++)
            {
                if (steps[s].Matches(span))
                {
                    j.Mask |= 1UL << _stepBits[i][s];
                }
            }

            if (steps[^1].Matches(span))
            {
                j.Matched[i] = true;
                j.Problems[i] = Problems(_rules[i], span);
            }
        }

        return j;
    }

    /// <summary>Adds one judged span to the runs. Call in file order, from one thread.</summary>
    public void Apply(SpanJudgement judgement)
    {
        var j = judgement;
        Spans++;
        ref long count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(SpanNames, j.Name, out _);
        count++;
        if (j.Integrity is { } problem)
        {
            IntegrityProblems++;
            if (Integrity.Count < MaxIntegrityOffenders)
            {
                Integrity.Add(new Offender(j.TraceId.ToString(), SpanData.SpanIdText(j.SpanId), j.Name, problem));
            }
        }

        if (_policy.RedactionForbid.Count > 0)
        {
            foreach (var redaction in j.Redactions)
            {
                AddRedaction(j, redaction);
            }

            ScanResource(j);
        }

        for (int i = 0; i < _runs.Length; i++)
        {
            if (!j.Matched[i])
            {
                continue;
            }

            if (_rules[i].Steps.Length == 1)
            {
                _runs[i].Add(j.TraceId, j.SpanId, j.Name, j.Duration, j.Problems[i]);
            }
            else
            {
                _candidates.Add(new Candidate(i, _nodes.Count, j.Duration, j.Problems[i], j.Name));
            }
        }

        if (_structural)
        {
            if (!_traceIndex.TryGetValue(j.TraceId, out int t))
            {
                t = _traceIndex.Count;
                _traceIndex[j.TraceId] = t;
            }

            _nodes.Add(new Node(t, j.SpanId, j.ParentSpanId, j.Mask));
        }
    }

    /// <summary>Ancestors farther up than this are not seen: a corrupt file could make parents loop.</summary>
    public const int MaxHops = 4096;

    /// <summary>
    /// Resolves selectors with ancestors once every span has been seen, step by step: a span matches step k when it
    /// matches the step's conditions and its parent (<c>&gt;</c>), or one of its ancestors at most
    /// <see cref="MaxHops"/> hops up (a space), matches step k - 1 in full. Each step is one pass over the spans in
    /// parent-first order that keeps, per span, the distance to the nearest ancestor matching the step before; the
    /// result is written over the span's bit for the step. Linear in spans × steps: the recursive walk it replaces
    /// grew with the depth to the power of the steps (26 to 48 s for four steps over a chain of 400 spans).
    /// </summary>
    public void Finish()
    {
        if (!_structural)
        {
            return;
        }

        var tree = AncestryOrder.Build(_nodes);
        var nodes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_nodes);
        var distance = new ushort[nodes.Length];
        var traceIds = new TraceId[_traceIndex.Count];
        foreach (var (id, t) in _traceIndex)
        {
            traceIds[t] = id;
        }

        for (int rule = 0; rule < _rules.Length; rule++)
        {
            var steps = _rules[rule].Steps;
            if (steps.Length == 1)
            {
                continue;
            }

            for (int step = 1; step < steps.Length; step++)
            {
                ulong before = 1UL << _stepBits[rule][step - 1];
                Reach(nodes, tree, before, steps[step].Combinator, distance);
                if (step == steps.Length - 1)
                {
                    break;
                }

                // The span matches this step in full only with its ancestry: clear the bit where it has none.
                ulong bit = 1UL << _stepBits[rule][step];
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
                    _runs[rule].Add(traceIds[node.Trace], node.Span, c.Name, c.Duration, c.Problem);
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

    /// <summary>What is wrong with one selected span under a rule, or null.</summary>
    private static List<SpanProblem>? Problems(CompiledRule rule, SpanData span)
    {
        List<SpanProblem>? problems = null;
        foreach (var a in rule.Attributes)
        {
            if (AttributeProblem(a, span) is { } p)
            {
                (problems ??= []).Add(p);
            }
        }

        if (rule.EventsInOrder.Length > 0 && EventOrderProblem(rule.EventsInOrder, span) is { } order)
        {
            (problems ??= []).Add(order);
        }

        foreach (var forbidden in rule.ForbidEvents)
        {
            foreach (var e in span.Events)
            {
                if (e.Name == forbidden)
                {
                    (problems ??= []).Add(new SpanProblem("forbidden event " + forbidden, $"has the forbidden event {forbidden}"));
                    break;
                }
            }
        }

        if (rule.Rule.Status == StatusCode.Ok && span.Status == StatusCode.Error)
        {
            (problems ??= []).Add(new SpanProblem("status ERROR", "has status ERROR"));
        }
        else if (rule.Rule.Status == StatusCode.Error && span.Status != StatusCode.Error)
        {
            (problems ??= []).Add(new SpanProblem("status not ERROR", $"has status {span.Status.ToString().ToUpperInvariant()}, expected ERROR"));
        }

        return problems;
    }

    private static SpanProblem? AttributeProblem(AttributeCheck check, SpanData span)
    {
        var value = span.Lookup(check.Key);
        switch (check.Kind)
        {
            case AttributeCheckKind.Exists:
                return value is null ? new SpanProblem($"missing attribute {check.Key}", $"missing attribute {check.Key}") : null;
            case AttributeCheckKind.Absent:
                return value is null ? null : new SpanProblem($"attribute {check.Key} present", $"has attribute {check.Key}, which must be absent");
        }

        if (value is not { } v)
        {
            return new SpanProblem($"missing attribute {check.Key}", $"missing attribute {check.Key} (expected {check.Text})");
        }

        string key = $"{check.Key} not {check.Text}";
        if (check.Number is { } n)
        {
            double? actual = v.IsNumber ? v.AsDouble
                : v.Type == AttrType.String && double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : null;
            if (actual is null)
            {
                return new SpanProblem(key, $"{check.Key} is '{v}', not a number (expected {check.Text})");
            }

            return new NumberComparison(check.Op, n, check.Text).Holds(actual.Value) ? null : new SpanProblem(key, $"{check.Key} is {v}, expected {check.Text}");
        }

        bool equal = string.Equals(v.ToString(), check.Value, StringComparison.Ordinal);
        bool ok = check.Op == CompareOp.Ne ? !equal : equal;
        return ok ? null : new SpanProblem(key, $"{check.Key} is '{v}', expected {check.Text}");
    }

    private static SpanProblem? EventOrderProblem(string[] expected, SpanData span)
    {
        // Events in time order. The SDKs record them in order, so sort (stably) only when they are not.
        var events = span.Events;
        bool sorted = true;
        for (int i = 1; i < events.Count && sorted; i++)
        {
            sorted = events[i - 1].TimeUnixNano <= events[i].TimeUnixNano;
        }

        IReadOnlyList<SpanEvent> ordered = sorted ? events : events.Select((e, i) => (e, i)).OrderBy(x => x.e.TimeUnixNano).ThenBy(x => x.i).Select(x => x.e).ToList();
        int from = 0;
        foreach (var name in expected)
        {
            int at = -1;
            for (int i = from; i < ordered.Count; i++)
            {
                if (ordered[i].Name == name)
                {
                    at = i;
                    break;
                }
            }

            if (at < 0)
            {
                var seen = ordered.Select(e => e.Name).ToList();
                string seenText = seen.Count == 0 ? "no events" : "events seen: " + string.Join(", ", seen);
                return seen.Contains(name)
                    ? new SpanProblem("events out of order", $"events out of order: expected {string.Join(", ", expected)}; {seenText}")
                    : new SpanProblem("missing event " + name, $"missing event {name}; {seenText}");
            }

            from = at + 1;
        }

        return null;
    }

    private void ScanRedaction(SpanData span, SpanJudgement j)
    {
        foreach (var kv in span.Attributes)
        {
            if (kv.Value.Type == AttrType.String && Redaction.Detect(kv.Value.Text!, _policy.RedactionForbid) is { } kind)
            {
                j.Redactions.Add($"attribute {kv.Key} looks like a {kind}");
            }
        }

        foreach (var kv in span.EventStrings)
        {
            if (Redaction.Detect(kv.Value, _policy.RedactionForbid) is { } kind)
            {
                j.Redactions.Add($"an event attribute {kv.Key} looks like a {kind}");
            }
        }
    }

    /// <summary>A resource is shared by its spans: scanned once, when its first span is applied.</summary>
    private void ScanResource(SpanJudgement j)
    {
        if (!_scannedResources.Add(j.Resource))
        {
            return;
        }

        foreach (var kv in j.Resource.Attributes)
        {
            if (kv.Value.Type == AttrType.String && Redaction.Detect(kv.Value.Text!, _policy.RedactionForbid) is { } kind)
            {
                AddRedaction(j, $"resource attribute {kv.Key} looks like a {kind}");
            }
        }
    }

    private void AddRedaction(SpanJudgement j, string problem)
    {
        RedactionProblems++;
        if (Redactions.Count < MaxIntegrityOffenders)
        {
            Redactions.Add(new Offender(j.TraceId.ToString(), SpanData.SpanIdText(j.SpanId), j.Name, problem));
        }
    }

    /// <summary>A rule's lists as arrays: the per-span loops then neither dispatch through interfaces nor allocate
    /// enumerators (measured: a tenth of the JSON lines run).</summary>
    private sealed class CompiledRule(TraceRule rule)
    {
        public TraceRule Rule { get; } = rule;

        public SelectorStep[] Steps { get; } = [.. rule.Selector.Steps];

        public AttributeCheck[] Attributes { get; } = [.. rule.Attributes];

        public string[] EventsInOrder { get; } = [.. rule.EventsInOrder];

        public string[] ForbidEvents { get; } = [.. rule.ForbidEvents];
    }

    internal readonly record struct Node(int Trace, ulong Span, ulong Parent, ulong Mask);

    private readonly record struct Candidate(int Rule, int Node, long Duration, List<SpanProblem>? Problem, string Name);
}

/// <summary>What is wrong with a span: <see cref="Kind"/> groups spans in the summary, <see cref="Text"/> is the detail.</summary>
public sealed record SpanProblem(string Kind, string Text);

/// <summary>One span as the rules see it (see <see cref="RuleEngine.Judge"/>); reused span after span.</summary>
public sealed class SpanJudgement
{
    public TraceId TraceId { get; set; }

    public ulong SpanId { get; set; }

    public ulong ParentSpanId { get; set; }

    public string Name { get; set; } = "";

    public long Duration { get; set; }

    public ResourceData Resource { get; set; } = new();

    public string? Integrity { get; set; }

    public List<string> Redactions { get; } = [];

    /// <summary>Which ancestor steps of structural selectors the span matches (bits as the engine numbers them).</summary>
    public ulong Mask { get; set; }

    /// <summary>Per rule: the selector's last step matches.</summary>
    public bool[] Matched { get; private set; } = [];

    /// <summary>Per rule: what is wrong with the span, when it matched.</summary>
    public List<SpanProblem>?[] Problems { get; private set; } = [];

    internal void Reset(int rules)
    {
        if (Matched.Length != rules)
        {
            Matched = new bool[rules];
            Problems = new List<SpanProblem>?[rules];
        }
        else
        {
            Array.Clear(Matched);
            Array.Clear(Problems);
        }

        Integrity = null;
        Redactions.Clear();
        Mask = 0;
    }
}
