using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

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
