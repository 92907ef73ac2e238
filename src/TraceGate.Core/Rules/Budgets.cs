namespace TraceGate.Core.Rules;

/// <summary>A statistic budget: <c>p95: '&lt;= 25ms'</c>.</summary>
public sealed record DurationBudget(string Stat, NumberComparison Limit);

/// <summary>A change budget against the baseline: <c>p95: '&lt;= +10%'</c> or <c>'&lt;= +5ms'</c>.</summary>
public sealed record BaselineBudget(string Stat, CompareOp Op, double? Percent, double? Nanos, string Text);
