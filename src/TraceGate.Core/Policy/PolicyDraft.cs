using System.Globalization;
using System.Text;
using TraceGate.Core.Rules;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Policy;

/// <summary>
/// Drafts a <c>traces:</c> policy from a good run, as a starting point to edit: one rule per span name, the
/// attributes present on every span of the name, the event order when every span shares it, and duration budgets
/// from the measured p95 and max with a margin.
/// </summary>
public static class PolicyDraft
{
    public const double Margin = 1.5;

    /// <summary>The policy's JSON Schema (schema/tracegate.schema.json) at the major version's tag, which the release
    /// moves: editors with the YAML language server complete and validate the draft.</summary>
    public const string SchemaUrl = "https://raw.githubusercontent.com/tracegate/tracegate/v1/schema/tracegate.schema.json";

    public static string Render(SpanSummary summary, string tracesGlob)
    {
        var sb = new StringBuilder();
        sb.Append("# yaml-language-server: $schema=").Append(SchemaUrl).Append('\n');
        sb.Append("# Drafted by `tracegate init` from ").Append(summary.Spans.ToString(CultureInfo.InvariantCulture))
          .Append(" spans. A starting point: keep the rules that state what must hold, tighten the budgets, delete the rest.\n");
        sb.Append("version: 1\ntraces:\n  files: [").Append(Quote(tracesGlob)).Append("]\n");
        var header = sb.Length;
        int drafted = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        bool multipleServices = summary.Names.Keys.Select(k => k.Service).Distinct().Count() > 1;
        foreach (var ((service, name), stats) in summary.Names)
        {
            if (name.Contains('"', StringComparison.Ordinal) && name.Contains('\'', StringComparison.Ordinal))
            {
                sb.Append("    # skipped a span name with both quote characters\n");
                continue;
            }

            string q = name.Contains('"', StringComparison.Ordinal) ? "'" : "\"";
            string selector = multipleServices && service.Length > 0 && !service.Contains('"', StringComparison.Ordinal)
                ? $"span[service.name=\"{service}\" name={q}{name}{q}]"
                : $"span[name={q}{name}{q}]";
            drafted++;
            string id = UniqueId(Slug(name), ids);
            sb.Append("    - id: ").Append(id).Append('\n');
            sb.Append("      select: ").Append(Quote(selector)).Append('\n');
            sb.Append("      count: '>= 1'\n");
            var always = stats.Attributes.Where(a => a.Value == stats.Count).Select(a => a.Key).ToList();
            if (always.Count > 0)
            {
                sb.Append("      attributes:\n");
                foreach (var key in always)
                {
                    sb.Append("        ").Append(Quote(key)).Append(": exists\n");
                }
            }

            if (stats.CommonEvents is { } events)
            {
                sb.Append("      events-in-order: [").Append(string.Join(", ", events.Select(Quote))).Append("]\n");
            }

            if (stats.Errors == 0)
            {
                sb.Append("      status: ok\n");
            }

            sb.Append("      duration: { p95: ").Append(Quote("<= " + Budget(stats.Percentile(95) * Margin)))
              .Append(", max: ").Append(Quote("<= " + Budget(stats.Durations.Max() * Margin * 2))).Append(" }\n");
            sb.Append(CultureInfo.InvariantCulture, $"      # measured over {stats.Count} spans: p95 {Quantities.FormatNanos(stats.Percentile(95))}, max {Quantities.FormatNanos(stats.Durations.Max())}\n");
        }

        // With every name skipped, "rules:" over comments alone would be YAML's null, which the loader refuses.
        sb.Insert(header, drafted == 0 ? "  rules: []\n" : "  rules:\n");
        return sb.ToString();
    }

    /// <summary>Rounds a budget up to two significant digits in a readable unit.</summary>
    private static string Budget(double ns)
    {
        ns = Math.Max(ns, 1000);
        var (unit, scale) = ns >= 1e9 ? ("s", 1e9) : ns >= 1e6 ? ("ms", 1e6) : ("us", 1e3);
        double v = ns / scale;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)) - 1);
        double rounded = Math.Ceiling(v / magnitude) * magnitude;
        return rounded.ToString("0.##", CultureInfo.InvariantCulture) + unit;
    }

    private static string Slug(string name)
    {
        var sb = new StringBuilder();
        foreach (char c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var slug = sb.ToString().Trim('-');
        slug = slug.Length > 48 ? slug[..48].TrimEnd('-') : slug;
        return slug.Length == 0 ? "span" : slug;
    }

    private static string UniqueId(string id, HashSet<string> used)
    {
        string candidate = id;
        for (int n = 2; !used.Add(candidate); n++)
        {
            candidate = $"{id}-{n}";
        }

        return candidate;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}
