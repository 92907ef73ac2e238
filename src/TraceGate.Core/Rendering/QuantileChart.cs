using System.Globalization;
using System.Text;
using TraceGate.Core.Model;
using TraceGate.Core.Rules;
using TraceGate.Core.Statistics;

namespace TraceGate.Core.Rendering;

/// <summary>
/// The picture of a baseline budget that failed or warned: both sides' quantiles. Where Mermaid renders (step
/// summaries and PR comments, see <see cref="MarkdownReport.Render"/>) an <c>xychart-beta</c>, the baseline as bars
/// and this run as a line over p10 … p99, since the chart has no legend and two lines could not be told apart;
/// elsewhere (check-run summaries, Azure DevOps threads, the console) a text sparkline. The chart holds numbers,
/// fixed labels and the check id, which goes through <see cref="Untrusted.Mermaid"/>.
/// </summary>
public static class QuantileChart
{
    /// <summary><c>p95: quantiles p10 p25 … on one scale from 0 to 58.719ms: baseline ▂▂▃…, this run ▅▆▆…</c>.</summary>
    public static string Text(QuantileComparison q)
    {
        double top = Top(q);
        string names = string.Join(' ', q.Points.Select(p => "p" + p.Percentile.ToString(CultureInfo.InvariantCulture)));
        return $"{q.Stat}: quantiles {names} on one scale from 0 to {Quantities.FormatNanos(top)}: "
            + $"baseline {Sparkline.Row(q.Points.Select(p => p.Baseline).ToList(), top)}, this run {Sparkline.Row(q.Points.Select(p => p.Head).ToList(), top)}";
    }

    /// <summary>A fenced Mermaid block: the axis in milliseconds, or microseconds when every value is under 1 ms.</summary>
    public static void AppendMermaid(StringBuilder md, string checkId, QuantileComparison q)
    {
        double top = Top(q);
        var (unit, perUnit) = top < 1_000_000 ? ("µs", 1_000.0) : ("ms", 1_000_000.0);
        string Values(Func<QuantilePoint, double> side) => string.Join(", ", q.Points.Select(p => Number(side(p) / perUnit)));
        string stat = Untrusted.Mermaid(q.Stat, 8);
        md.Append("```mermaid\nxychart-beta\n");
        md.Append($"    title \"{Untrusted.Mermaid(checkId, 100)} {stat} - bars baseline n {q.BaselineSpans}, line this run n {q.HeadSpans}\"\n");
        md.Append($"    x-axis \"quantile\" [{string.Join(", ", q.Points.Select(p => "p" + p.Percentile.ToString(CultureInfo.InvariantCulture)))}]\n");
        md.Append($"    y-axis \"duration ({unit})\" 0 --> {Number(NiceCeiling(top / perUnit))}\n");
        md.Append($"    bar [{Values(p => p.Baseline)}]\n");
        md.Append($"    line [{Values(p => p.Head)}]\n");
        md.Append("```\n\n");
    }

    private static double Top(QuantileComparison q) => q.Points.Count == 0 ? 0 : q.Points.Max(p => Math.Max(p.Baseline, p.Head));

    /// <summary>The axis' end: the first round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at or
    /// above the largest value, so the tallest bar or point fills most of the chart.</summary>
    internal static double NiceCeiling(double value)
    {
        if (value <= 0 || !double.IsFinite(value))
        {
            return 1;
        }

        double power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in (double[])[1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10])
        {
            if (step * power >= value * (1 - 1e-12))
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
