using System.Globalization;
using System.Text;

namespace TraceGate.Core.Statistics;

/// <summary>
/// A text picture of two samples' quantiles on one scale, for reports that cannot draw: one block character per
/// quantile (▁ … █), the baseline's above the head's, so a shift shows as the second row standing taller.
/// </summary>
public static class Sparkline
{
    public static readonly int[] Quantiles = [10, 25, 50, 75, 90, 95, 99];
    private const string Blocks = "▁▂▃▄▅▆▇█";

    /// <summary>Both rows and the scale, e.g. <c>baseline ▂▃▄▅▆▇▇ / this run ▃▄▅▆▇██ (p10 … p99, 0 to 31.2ms)</c>.</summary>
    public static string Of(IReadOnlyList<long> baseline, IReadOnlyList<long> head, Func<double, string> format)
    {
        var b = QuantileValues(baseline);
        var h = QuantileValues(head);
        double top = Math.Max(b.Max(), h.Max());
        return $"quantiles p10 p25 p50 p75 p90 p95 p99 on one scale from 0 to {format(top)}: baseline {Row(b, top)}, this run {Row(h, top)}";
    }

    public static double[] QuantileValues(IReadOnlyList<long> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return Quantiles.Select(q => (double)sorted[PercentileBootstrap.Rank(q, sorted.Length) - 1]).ToArray();
    }

    private static string Row(double[] values, double top)
    {
        var sb = new StringBuilder(values.Length);
        foreach (double v in values)
        {
            int level = top <= 0 ? 0 : (int)Math.Round(v / top * (Blocks.Length - 1), MidpointRounding.AwayFromZero);
            sb.Append(Blocks[Math.Clamp(level, 0, Blocks.Length - 1)]);
        }

        return sb.ToString();
    }

    /// <summary>The change as a reader writes it: <c>+14%</c>, <c>-3.2%</c>.</summary>
    public static string Percent(double fraction) =>
        double.IsPositiveInfinity(fraction) ? "+∞%" : (fraction * 100).ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture) + "%";
}
