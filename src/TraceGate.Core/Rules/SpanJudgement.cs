using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

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

    /// <summary>Per way a rule's checks can fail (the engine numbers them rule after rule, see <see cref="RuleChecks"/>),
    /// one bit: the span failed so. Bits, not texts: a judgement waits in a batch until it is applied, and with texts
    /// 2,351 rules over 10,000 spans made that gigabytes.</summary>
    public ulong[] Failures { get; private set; } = [];

    /// <summary>Some rule's check failed: <see cref="Source"/> is then the span, for the texts a run keeps.</summary>
    public bool Failed { get; internal set; }

    /// <summary>The judged span, while some check failed: the reader's own when it is applied at once, else
    /// <see cref="Copy"/>. Read only to write the texts of what a run keeps.</summary>
    public SpanData? Source { get; internal set; }

    /// <summary>Where a judgement that waits in a batch keeps its failing span (reused judgement after judgement).</summary>
    internal SpanData Copy => _copy ??= new SpanData();

    private SpanData? _copy;

    internal void Reset(int rules, int failureWords)
    {
        if (Matched.Length != rules || Failures.Length != failureWords)
        {
            Matched = new bool[rules];
            Failures = new ulong[failureWords];
        }
        else
        {
            Array.Clear(Matched);
            if (Failed)
            {
                Array.Clear(Failures);
            }
        }

        Failed = false;
        Source = null;
        Integrity = null;
        Redactions.Clear();
        Mask = 0;
    }
}
