namespace TraceGate.Core.Model;

/// <summary>
/// Both sides' quantiles of one baseline budget that failed or warned (issue 22: "a small picture per failing or
/// warning budget"): what the report draws, a Mermaid <c>xychart-beta</c> where Mermaid renders and a text sparkline
/// elsewhere. Values are nanoseconds, taken from the samples the budget judged; the counts are each side's n.
/// </summary>
public sealed record QuantileComparison(string Stat, long BaselineSpans, long HeadSpans, IReadOnlyList<QuantilePoint> Points);

/// <summary>One quantile of both sides: <see cref="Percentile"/> 10 is p10; durations in nanoseconds.</summary>
public sealed record QuantilePoint(int Percentile, double Baseline, double Head);
