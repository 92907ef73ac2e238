namespace TraceGate.Core.Rules;

public enum CompareOp
{
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// <summary>A comparison against a number: <c>&gt;= 1</c>, <c>&lt;= 25ms</c> (nanoseconds).</summary>
public sealed record NumberComparison(CompareOp Op, double Value, string Text)
{
    public bool Holds(double measured) => Op switch
    {
        CompareOp.Eq => measured == Value,
        CompareOp.Ne => measured != Value,
        CompareOp.Gt => measured > Value,
        CompareOp.Ge => measured >= Value,
        CompareOp.Lt => measured < Value,
        _ => measured <= Value,
    };
}
