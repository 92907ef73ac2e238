namespace TraceGate.Core.Statistics;

/// <summary>How a statistic's change against the baseline is measured.</summary>
public enum ChangeMethod
{
    /// <summary>The two values compared as numbers, without an interval (min and max, and <c>method: plain</c>).</summary>
    Plain,

    /// <summary>The Hodges-Lehmann shift with its Mann-Whitney interval.</summary>
    HodgesLehmann,

    /// <summary>A seeded percentile bootstrap of the statistic's change.</summary>
    Bootstrap,
}

/// <summary>
/// What was measured for one statistic: n on each side, both sides' values, the change relative (a fraction:
/// 0.14 is +14%) and absolute (nanoseconds), each with its interval at <see cref="Confidence"/>. For
/// <see cref="ChangeMethod.Plain"/> the interval is the point.
/// </summary>
public sealed record MeasuredChange(
    string Stat,
    ChangeMethod Method,
    int HeadCount,
    int BaselineCount,
    double Head,
    double Baseline,
    double Relative,
    double RelativeLower,
    double RelativeUpper,
    double Absolute,
    double AbsoluteLower,
    double AbsoluteUpper,
    double Confidence)
{
    /// <summary>Whether the Mann-Whitney interval came from the exact distribution (small samples without ties).</summary>
    public bool Exact { get; init; }
}

/// <summary>Measures a statistic's change between the baseline's and the head's durations.</summary>
public static class ChangeMeasurement
{
    /// <summary>
    /// The method <c>auto</c> picks: the Hodges-Lehmann shift for p50 and avg (a location shift is what they
    /// summarise), the bootstrap for the higher percentiles, and the plain comparison for min and max.
    /// </summary>
    public static ChangeMethod Auto(string stat) => stat switch
    {
        "p50" or "avg" => ChangeMethod.HodgesLehmann,
        "min" or "max" => ChangeMethod.Plain,
        _ => ChangeMethod.Bootstrap,
    };

    /// <summary>
    /// Measures <paramref name="stat"/> (min, max, avg, pNN) with <paramref name="method"/>; min and max are always
    /// compared plainly. The relative Hodges-Lehmann change is the shift of the logarithms (durations change by a
    /// factor, and a factor is a shift on the log scale), the absolute one the shift of the durations themselves.
    /// </summary>
    public static MeasuredChange Measure(string stat, IReadOnlyList<long> head, IReadOnlyList<long> baseline, ChangeMethod method, double confidence, ulong seed)
    {
        if (head.Count == 0 || baseline.Count == 0)
        {
            throw new ArgumentException("both sides need at least one duration");
        }

        var h = head.Select(d => (double)d).ToArray();
        var b = baseline.Select(d => (double)d).ToArray();
        double headValue = Statistic(stat, h), baseValue = Statistic(stat, b);
        if (stat is "min" or "max")
        {
            method = ChangeMethod.Plain;
        }

        switch (method)
        {
            case ChangeMethod.HodgesLehmann:
            {
                var linear = HodgesLehmann.Shift(h, b, confidence);
                var log = HodgesLehmann.Shift(h.Select(Log).ToArray(), b.Select(Log).ToArray(), confidence);
                return new MeasuredChange(stat, method, h.Length, b.Length, headValue, baseValue,
                    Math.Exp(log.Estimate) - 1, Math.Exp(log.Lower) - 1, Math.Exp(log.Upper) - 1,
                    linear.Estimate, linear.Lower, linear.Upper, confidence)
                { Exact = linear.Exact };
            }

            case ChangeMethod.Bootstrap:
            {
                double? percentile = stat == "avg" ? null : Percentile(stat);
                var c = PercentileBootstrap.Change(h, b, percentile, confidence, seed);
                return new MeasuredChange(stat, method, h.Length, b.Length, c.Head, c.Baseline,
                    c.Relative, c.RelativeLower, c.RelativeUpper, c.Absolute, c.AbsoluteLower, c.AbsoluteUpper, confidence);
            }

            default:
            {
                double absolute = headValue - baseValue;
                double relative = baseValue == 0 ? 0 : absolute / baseValue;
                return new MeasuredChange(stat, ChangeMethod.Plain, h.Length, b.Length, headValue, baseValue,
                    relative, relative, relative, absolute, absolute, absolute, confidence);
            }
        }
    }

    /// <summary>The statistic as the report computes it: nearest-rank percentiles, the mean for avg.</summary>
    public static double Statistic(string stat, double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return stat switch
        {
            "min" => sorted[0],
            "max" => sorted[^1],
            "avg" => sorted.Average(),
            _ => sorted[PercentileBootstrap.Rank(Percentile(stat), sorted.Length) - 1],
        };
    }

    private static double Percentile(string stat) =>
        stat.Length > 1 && stat[0] == 'p' && double.TryParse(stat.AsSpan(1), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double p) && p > 0 && p < 100
            ? p
            : throw new ArgumentException($"'{stat}' is not a statistic (min, max, avg, p1 … p99)");

    /// <summary>A zero duration (a clock too coarse for the span) is read as 1 ns, so its logarithm is finite.</summary>
    private static double Log(double nanos) => Math.Log(Math.Max(nanos, 1));
}
