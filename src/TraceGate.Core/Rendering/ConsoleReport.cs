using System.Text;
using TraceGate.Core.Model;
using TraceGate.Core.Rules;

namespace TraceGate.Core.Rendering;

/// <summary>The report for a terminal or a CI log. Every line starts with TraceGate's own text, never with input.</summary>
public static class ConsoleReport
{
    public static string Render(Report report, bool color)
    {
        var sb = new StringBuilder();
        var (verdict, paint) = report.Conclusion switch
        {
            Conclusion.Success => ("PASSED", "32;1"),
            Conclusion.Inconclusive => ("INCONCLUSIVE", "36;1"),
            _ => ("FAILED", "31;1"),
        };
        sb.Append("TraceGate ").Append(Paint(verdict, paint, color))
          .Append($": {report.Checks.Count} checks, {report.Failed} failed, {report.Warned} warnings")
          .Append(report.Inconclusive > 0 ? $", {report.Inconclusive} inconclusive\n" : "\n");
        sb.Append(report.PolicyIsDefault ? "policy: none found, documented defaults used\n" : $"policy: {Untrusted.Line(report.PolicyDescription)}\n");
        // Ids, stat names and budgets come from the policy, or from a report read back from a fork's artifact: they
        // are escaped like any other text.
        int width = report.Checks.Count == 0 ? 0 : report.Checks.Max(c => Id(c).Length);
        foreach (var check in report.Checks.OrderBy(c => c.Outcome))
        {
            var (label, code) = check.Outcome switch
            {
                Outcome.Pass => ("pass", "32"),
                Outcome.Fail => ("FAIL", "31;1"),
                Outcome.Warn => ("warn", "33"),
                Outcome.Inconclusive => ("inconclusive", "36"),
                _ => ("skip", "2"),
            };
            sb.Append("  ").Append(Paint(label, code, color)).Append("  ").Append(Id(check).PadRight(width)).Append("  ")
              .Append(Untrusted.Line(check.Message, 500)).Append('\n');
            if (check.Outcome is Outcome.Fail or Outcome.Warn or Outcome.Inconclusive)
            {
                foreach (var row in check.Stats.Where(r => r.IsDuration))
                {
                    sb.Append("        ").Append(row.Ok ? "  " : "! ").Append(StatText(row)).Append('\n');
                }

                foreach (var o in check.Offenders.Take(5))
                {
                    sb.Append("        - trace ").Append(Untrusted.Line(o.TraceId, 32)).Append(" span ").Append(Untrusted.Line(o.SpanId, 16)).Append(' ')
                      .Append(Untrusted.Line(o.SpanName, 80)).Append(": ").Append(Untrusted.Line(o.Problem, 300)).Append('\n');
                }

                if (check.Offenders.Count > 5)
                {
                    sb.Append($"        - and {check.Offenders.Count - 5} more offenders in the JSON report\n");
                }

                foreach (var detail in check.Details.Take(20))
                {
                    sb.Append("        - ").Append(Untrusted.Line(detail, 500)).Append('\n');
                }

                foreach (var q in check.Quantiles)
                {
                    sb.Append("        - ").Append(Untrusted.Line(QuantileChart.Text(q), 500)).Append('\n');
                }

                if (check.Hint is { } hint)
                {
                    sb.Append("        fix: ").Append(Untrusted.Line(hint, 500)).Append('\n');
                }
            }
        }

        return sb.ToString();
    }

    public static string StatText(StatRow row)
    {
        string now = row.IsDuration ? Quantities.FormatNanos(row.After) : row.After.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string before = row.Before is { } b ? $" (baseline {(row.IsDuration ? Quantities.FormatNanos(b) : b.ToString(System.Globalization.CultureInfo.InvariantCulture))})" : "";
        string budget = row.Budget is { } t ? $", budget {Untrusted.Line(t, 200)}" : "";
        return $"{Untrusted.Line(row.Stat, 20)} {now}{before}{budget}";
    }

    private static string Id(Check check) => Untrusted.Line(check.Id, 100);

    private static string Paint(string text, string code, bool color) => color ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
