using System.Globalization;
using System.Text;

namespace TraceGate.Core.Statistics;

/// <summary>
/// A text picture of quantiles on one scale, for reports that cannot draw: one block character per quantile (▁ … █),
/// so the baseline's row beside the head's shows a shift as the second row standing taller.
/// </summary>
public static class Sparkline
{
    public static readonly int[] Quantiles = [10, 25, 50, 75, 90, 95, 99];
    private const string Blocks = "▁▂▃▄▅▆▇█";

    /// <summary>The <see cref="Quantiles"/> of the samples, nearest rank (as the budgets compute percentiles).</summary>
    public static double[] QuantileValues(IReadOnlyList<long> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return Quantiles.Select(q => (double)sorted[PercentileBootstrap.Rank(q, sorted.Length) - 1]).ToArray();
    }

    /// <summary>One block character per value, 0 to <paramref name="top"/>.</summary>
    public static string Row(IReadOnlyCollection<double> values, double top)
    {
        var sb = new StringBuilder(values.Count);
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
