using TraceGate.Core.Traces;

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

public enum AttributeCheckKind
{
    Exists,
    Absent,
    Compare,
}

/// <summary>An attribute condition: exists, absent, or a comparison with a number or a string.</summary>
public sealed record AttributeCheck(string Key, AttributeCheckKind Kind, string Text)
{
    public CompareOp Op { get; init; } = CompareOp.Eq;
    public double? Number { get; init; }
    public string? Value { get; init; }
}

/// <summary>A statistic budget: <c>p95: '&lt;= 25ms'</c>.</summary>
public sealed record DurationBudget(string Stat, NumberComparison Limit);

/// <summary>A change budget against the baseline: <c>p95: '&lt;= +10%'</c> or <c>'&lt;= +5ms'</c>.</summary>
public sealed record BaselineBudget(string Stat, CompareOp Op, double? Percent, double? Nanos, string Text);

public sealed record TraceRule(string Id, int Line, Selector Selector)
{
    public NumberComparison Count { get; init; } = new(CompareOp.Ge, 1, ">= 1");
    public IReadOnlyList<AttributeCheck> Attributes { get; init; } = [];
    public IReadOnlyList<string> EventsInOrder { get; init; } = [];
    public IReadOnlyList<string> ForbidEvents { get; init; } = [];
    public StatusCode? Status { get; init; }
    public IReadOnlyList<DurationBudget> Duration { get; init; } = [];
    public IReadOnlyList<BaselineBudget> Baseline { get; init; } = [];
    public int? MinSamples { get; init; }
}

public sealed record TracesPolicy(IReadOnlyList<string> Files, IReadOnlyList<string> Baseline, IReadOnlyList<TraceRule> Rules)
{
    public IReadOnlyList<string> RedactionForbid { get; init; } = [];
    public int MinSamples { get; init; } = 20;

    /// <summary>Where the rules live, for annotations that point at a failing rule's line.</summary>
    public string? PolicyPath { get; init; }

    public static TracesPolicy None { get; } = new([], [], []);
}
