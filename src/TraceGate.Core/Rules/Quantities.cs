using System.Globalization;
using System.Text.RegularExpressions;

namespace TraceGate.Core.Rules;

/// <summary>Parses the small expression language of trace rules: comparisons, durations and relative changes.</summary>
public static partial class Quantities
{
    /// <summary>The statistics a duration or baseline budget may name.</summary>
    public static IReadOnlyList<string> Stats { get; } = ["p50", "p90", "p95", "p99", "min", "max", "avg"];

    [GeneratedRegex(@"^\s*(>=|<=|==|!=|>|<|=)\s*(.*?)\s*$")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(ns|us|µs|ms|s|m)$")]
    private static partial Regex Duration();

    [GeneratedRegex(@"^([+-]?)([0-9]+(?:\.[0-9]+)?)\s*(%|ns|us|µs|ms|s)$")]
    private static partial Regex Change();

    public static CompareOp? Op(string op) => op switch
    {
        "==" or "=" => CompareOp.Eq,
        "!=" => CompareOp.Ne,
        ">" => CompareOp.Gt,
        ">=" => CompareOp.Ge,
        "<" => CompareOp.Lt,
        "<=" => CompareOp.Le,
        _ => null,
    };

    public static string Symbol(CompareOp op) => op switch
    {
        CompareOp.Eq => "==",
        CompareOp.Ne => "!=",
        CompareOp.Gt => ">",
        CompareOp.Ge => ">=",
        CompareOp.Lt => "<",
        _ => "<=",
    };

    public static NumberComparison? Count(string text, out string? error)
    {
        error = null;
        var m = Comparison().Match(text);
        if (m.Success && double.TryParse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double n))
        {
            return new NumberComparison(Op(m.Groups[1].Value)!.Value, n, text.Trim());
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double exact))
        {
            return new NumberComparison(CompareOp.Eq, exact, "== " + text.Trim());
        }

        error = $"'{text}': expected a comparison such as '>= 1' or '== 0'";
        return null;
    }

    /// <summary><c>&lt;= 25ms</c> as nanoseconds.</summary>
    public static NumberComparison? DurationLimit(string text, out string? error)
    {
        error = null;
        var m = Comparison().Match(text);
        if (m.Success && Nanos(m.Groups[2].Value) is { } ns)
        {
            return new NumberComparison(Op(m.Groups[1].Value)!.Value, ns, text.Trim());
        }

        error = $"'{text}': expected a comparison with a duration such as '<= 25ms' (units: ns, us, ms, s)";
        return null;
    }

    public static BaselineBudget? ChangeLimit(string stat, string text, out string? error)
    {
        error = null;
        var m = Comparison().Match(text);
        if (m.Success)
        {
            var c = Change().Match(m.Groups[2].Value);
            if (c.Success)
            {
                double sign = c.Groups[1].Value == "-" ? -1 : 1;
                var op = Op(m.Groups[1].Value)!.Value;
                return c.Groups[3].Value == "%"
                    ? new BaselineBudget(stat, op, sign * double.Parse(c.Groups[2].Value, CultureInfo.InvariantCulture), null, text.Trim())
                    : new BaselineBudget(stat, op, null, sign * Nanos(c.Groups[2].Value + c.Groups[3].Value)!.Value, text.Trim());
            }
        }

        error = $"'{text}': expected a change against the baseline such as '<= +10%' or '<= +5ms'";
        return null;
    }

    public static double? Nanos(string text)
    {
        var m = Duration().Match(text.Trim());
        if (!m.Success)
        {
            return null;
        }

        double v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "ns" => v,
            "us" or "µs" => v * 1e3,
            "ms" => v * 1e6,
            "s" => v * 1e9,
            _ => v * 60e9,
        };
    }

    public static string FormatNanos(double ns) => Math.Abs(ns) switch
    {
        >= 1e9 => (ns / 1e9).ToString("0.###", CultureInfo.InvariantCulture) + "s",
        >= 1e6 => (ns / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + "ms",
        >= 1e3 => (ns / 1e3).ToString("0.###", CultureInfo.InvariantCulture) + "us",
        _ => ns.ToString("0", CultureInfo.InvariantCulture) + "ns",
    };

    /// <summary>An attribute condition: <c>exists</c>, <c>absent</c>, <c>'&gt; 0'</c>, <c>'== "EUR"'</c>, or a bare value.</summary>
    public static AttributeCheck? Attribute(string key, string text, out string? error)
    {
        error = null;
        string t = text.Trim();
        if (t == "exists")
        {
            return new AttributeCheck(key, AttributeCheckKind.Exists, t);
        }

        if (t == "absent")
        {
            return new AttributeCheck(key, AttributeCheckKind.Absent, t);
        }

        var m = Comparison().Match(t);
        string opText = m.Success ? m.Groups[1].Value : "==";
        string value = m.Success ? m.Groups[2].Value : t;
        if (value.Length == 0)
        {
            error = $"'{text}' for attribute '{key}': expected exists, absent, or a comparison such as '> 0'";
            return null;
        }

        if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
        {
            value = value[1..^1];
            return new AttributeCheck(key, AttributeCheckKind.Compare, t) { Op = Op(opText)!.Value, Value = value };
        }

        double? number = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double n) ? n : null;
        var op = Op(opText)!.Value;
        if (number is null && op is not (CompareOp.Eq or CompareOp.Ne))
        {
            error = $"'{text}' for attribute '{key}': {Symbol(op)} needs a number";
            return null;
        }

        return new AttributeCheck(key, AttributeCheckKind.Compare, t) { Op = op, Number = number, Value = value };
    }
}
