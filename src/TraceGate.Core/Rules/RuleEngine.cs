using System.Runtime.InteropServices;
using TraceGate.Core.Model;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>
/// Evaluates the trace rules while the readers stream spans: selects spans for each rule and hands them with their
/// problems to the rule's <see cref="RuleRun"/>. A rule whose selector is one step is judged span by span and keeps
/// only durations; one with ancestors goes through <see cref="StructuralSelection"/>, which resolves each span's
/// ancestry as soon as its parent's is known and hands the selected spans on in file order. What a selected span must
/// satisfy comes from the <see cref="AssertionKinds"/> (each rule's <see cref="RuleChecks"/>): judging sets failure
/// bits and writes no text, and a run writes the texts of the spans it keeps from the judged span (copied when the
/// judgement waits in a batch). Every span also gets
/// <see cref="SpanIntegrity"/> and, when the policy forbids any, the <see cref="RedactionScan"/>.
/// </summary>
public sealed class RuleEngine : IJudgingSpanSink
{
    private const int MaxIntegrityOffenders = 20;
    private readonly RuleRun[] _runs;
    private readonly CompiledRule[] _rules;
    private readonly StructuralSelection _structure;
    private readonly RedactionScan _redaction;
    private readonly List<string> _resourceProblems = [];

    /// <summary>Where each rule's failures start in <see cref="SpanJudgement.Failures"/>; and its length in words.</summary>
    private readonly int[] _failureOffset;
    private readonly int _failureWords;

    public RuleEngine(TracesPolicy policy)
    {
        _runs = policy.Rules.Select(r => new RuleRun(r)).ToArray();
        _rules = policy.Rules.Select(r => new CompiledRule(r)).ToArray();
        _structure = new StructuralSelection(_rules.Select(r => r.Steps).ToArray(), _runs);
        _redaction = new RedactionScan(policy.RedactionForbid);
        _failureOffset = new int[_runs.Length];
        int failures = 0;
        for (int i = 0; i < _runs.Length; i++)
        {
            _failureOffset[i] = failures;
            failures += _runs[i].Checks.Failures;
        }

        _failureWords = (failures + 63) >> 6;
    }

    /// <summary>Ancestors farther up than this are not seen: a corrupt file could make parents loop.</summary>
    public const int MaxHops = StructuralSelection.MaxHops;

    public long Spans { get; private set; }

    /// <summary>The resolution of selectors with ancestors (what it holds, for tests and the benchmark).</summary>
    internal StructuralSelection Structure => _structure;

    public IReadOnlyList<RuleRun> Runs => _runs;

    /// <summary>Spans per name. A plain dictionary: a sorted one cost a tenth of the run; readers sort at the end.</summary>
    public Dictionary<string, long> SpanNames { get; } = new(StringComparer.Ordinal);

    public List<Offender> Integrity { get; } = [];

    public long IntegrityProblems { get; private set; }

    public List<Offender> Redactions { get; } = [];

    public long RedactionProblems { get; private set; }

    /// <summary>Which attribute keys the rules read: the readers materialise only these.</summary>
    public static IReadOnlySet<string> KeysNeeded(TracesPolicy policy) =>
        policy.Rules.SelectMany(r => r.Selector.Keys.Concat(AssertionKinds.All.SelectMany(k => k.AttributeKeys(r)))).ToHashSet(StringComparer.Ordinal);

    /// <summary>Judged and applied at once: the reader's span is still the judged one, so nothing is copied.</summary>
    public void OnSpan(SpanData span) => Apply(Judge(span, _scratch ??= new SpanJudgement(), copy: false));

    private SpanJudgement? _scratch;

    /// <summary>
    /// What one span means for the rules: which selectors match and what is wrong with it. Reads only the policy, so
    /// reader threads can run it while they parse; <see cref="Apply"/> then adds the results in file order.
    /// </summary>
    public SpanJudgement Judge(SpanData span, SpanJudgement? reuse) => Judge(span, reuse, copy: true);

    private SpanJudgement Judge(SpanData span, SpanJudgement? reuse, bool copy)
    {
        var j = reuse ?? new SpanJudgement();
        j.Reset(_runs.Length, _failureWords);
        j.TraceId = span.TraceId;
        j.SpanId = span.SpanId;
        j.ParentSpanId = span.ParentSpanId;
        j.Name = span.Name;
        j.Duration = span.DurationNanos;
        j.Resource = span.Resource;
        j.Integrity = SpanIntegrity.Problem(span);
        if (_redaction.Enabled)
        {
            _redaction.ScanSpan(span, j.Redactions);
        }

        for (int i = 0; i < _rules.Length; i++)
        {
            var steps = _rules[i].Steps;
            for (int s = 0; s < steps.Length - 1; s++)
            {
                if (steps[s].Matches(span))
                {
                    j.Mask |= _structure.Bit(i, s);
                }
            }

            if (steps[^1].Matches(span))
            {
                j.Matched[i] = true;
                j.Failed |= _runs[i].Checks.Evaluate(span, j.Failures, _failureOffset[i], null);
            }
        }

        if (j.Failed)
        {
            if (copy)
            {
                span.CopyTo(j.Copy);
            }

            j.Source = copy ? j.Copy : span;
        }

        return j;
    }

    /// <summary>Adds one judged span to the runs. Call in file order, from one thread.</summary>
    public void Apply(SpanJudgement judgement)
    {
        var j = judgement;
        Spans++;
        ref long count = ref CollectionsMarshal.GetValueRefOrAddDefault(SpanNames, j.Name, out _);
        count++;
        if (j.Integrity is { } problem)
        {
            IntegrityProblems++;
            if (Integrity.Count < MaxIntegrityOffenders)
            {
                Integrity.Add(new Offender(j.TraceId.ToString(), SpanData.SpanIdText(j.SpanId), j.Name, problem));
            }
        }

        if (_redaction.Enabled)
        {
            foreach (var redaction in j.Redactions)
            {
                AddRedaction(j, redaction);
            }

            _resourceProblems.Clear();
            _redaction.ScanResource(j.Resource, _resourceProblems);
            foreach (var redaction in _resourceProblems)
            {
                AddRedaction(j, redaction);
            }
        }

        for (int i = 0; i < _runs.Length; i++)
        {
            if (!j.Matched[i])
            {
                continue;
            }

            if (_rules[i].Steps.Length == 1)
            {
                _runs[i].Add(j.TraceId, j.SpanId, j.Name, j.Duration, j.Failures, _failureOffset[i], j.Source);
            }
            else
            {
                _structure.AddCandidate(i, j.Duration, j.Source is { } failed ? _runs[i].Problems(j.Failures, _failureOffset[i], failed) : null, j.Name);
            }
        }

        if (_structure.Active)
        {
            _structure.AddNode(j.TraceId, j.SpanId, j.ParentSpanId, j.Mask);
        }
    }

    /// <summary>Resolves what structural selectors still wait for once every span has been seen (see <see cref="StructuralSelection.Finish"/>).</summary>
    public void Finish() => _structure.Finish();

    private void AddRedaction(SpanJudgement j, string problem)
    {
        RedactionProblems++;
        if (Redactions.Count < MaxIntegrityOffenders)
        {
            Redactions.Add(new Offender(j.TraceId.ToString(), SpanData.SpanIdText(j.SpanId), j.Name, problem));
        }
    }

    /// <summary>A rule's selector steps as an array: the per-span loops then neither dispatch through interfaces nor
    /// allocate enumerators (measured: a tenth of the JSON lines run).</summary>
    private sealed class CompiledRule(TraceRule rule)
    {
        public SelectorStep[] Steps { get; } = [.. rule.Selector.Steps];
    }
}
