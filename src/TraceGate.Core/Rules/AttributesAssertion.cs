using System.Globalization;
using TraceGate.Core.PolicyFile;
using TraceGate.Core.Traces;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary><c>attributes: { transfer.fee: exists, currency: '== "EUR"', amount: '&gt; 0' }</c>: what each selected
/// span's attributes (then its resource's) must be.</summary>
public sealed class AttributesAssertion : AssertionKind
{
    public override string Key => "attributes";

    public override int Order => 20;

    public override TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule)
    {
        if (reader.Mapping(value, at) is not { } attrs)
        {
            return rule;
        }

        var list = new List<AttributeCheck>();
        foreach (var (ak, av) in attrs.Children)
        {
            string name = ((YamlScalarNode)ak).Value ?? "";
            if (reader.Scalar(av, at + "." + name) is { } cond)
            {
                if (MisspeltCheck(cond) is { } meant)
                {
                    string bare = cond.Trim();
                    reader.Error(av, $"{at}.{name}: '{bare}' is not a check: did you mean '{meant}'? "
                        + $"To compare the attribute with the text '{bare}', write '== {bare}'");
                }
                else if (Quantities.Attribute(name, cond, out var error) is { } check)
                {
                    list.Add(check);
                }
                else
                {
                    reader.Error(av, $"{at}.{name}: {error}");
                }
            }
        }

        return rule with { Attributes = list };
    }

    public override IEnumerable<string> AttributeKeys(TraceRule rule) => rule.Attributes.Select(a => a.Key);

    public override SpanCheck? SpanCheck(TraceRule rule) => rule.Attributes.Count == 0 ? null : new EachSpan([.. rule.Attributes]);

    /// <summary>
    /// A bare attribute value within two edits of <c>exists</c> or <c>absent</c> (any case): <c>transfer.fee: exist</c>
    /// would otherwise silently compare the attribute with the text "exist". A value that really is such a word is
    /// written with an operator (<c>'== exist'</c>) or quoted (<c>'== "exist"'</c>), which this never flags.
    /// </summary>
    private static string? MisspeltCheck(string value)
    {
        string bare = value.Trim();
        if (bare is "exists" or "absent" || bare.Length == 0 || bare[0] is '=' or '!' or '<' or '>' or '"' or '\'')
        {
            return null;
        }

        return Suggestions.Suggest(bare, ["exists", "absent"], maxDistance: 2);
    }

    /// <summary>
    /// The checks as an array: the per-span loop then neither dispatches through interfaces nor allocates. Each check
    /// fails one way (missing, or present where it must be absent) or, for a comparison, two: missing, or a value
    /// that does not compare (whose text shows the value).
    /// </summary>
    private sealed class EachSpan : SpanCheck
    {
        private readonly AttributeCheck[] _checks;

        /// <summary>Per check, its first failure number.</summary>
        private readonly int[] _first;

        /// <summary>Per numeric comparison, the comparison (built once, not per span).</summary>
        private readonly NumberComparison?[] _numbers;

        public EachSpan(AttributeCheck[] checks)
            : base(FailuresOf(checks))
        {
            _checks = checks;
            _first = new int[checks.Length];
            _numbers = new NumberComparison?[checks.Length];
            for (int i = 0, f = 0; i < checks.Length; i++)
            {
                _first[i] = f;
                f += checks[i].Kind == AttributeCheckKind.Compare ? 2 : 1;
                _numbers[i] = checks[i].Number is { } n ? new NumberComparison(checks[i].Op, n, checks[i].Text) : null;
            }
        }

        private static SpanFailure[] FailuresOf(AttributeCheck[] checks) =>
        [
            .. checks.SelectMany(c => c.Kind switch
            {
                AttributeCheckKind.Exists => [new SpanFailure($"missing attribute {c.Key}")],
                AttributeCheckKind.Absent => [new SpanFailure($"attribute {c.Key} present")],
                _ => new[] { new SpanFailure($"missing attribute {c.Key}"), new SpanFailure($"{c.Key} not {c.Text}", Varies: true) },
            }),
        ];

        public override void Check(SpanData span, ref SpanFailures failures)
        {
            for (int i = 0; i < _checks.Length; i++)
            {
                Judge(_checks[i], _numbers[i], _first[i], span, ref failures);
            }
        }
    }

    private static void Judge(AttributeCheck check, NumberComparison? number, int missing, SpanData span, ref SpanFailures failures)
    {
        var value = span.Lookup(check.Key);
        switch (check.Kind)
        {
            case AttributeCheckKind.Exists when value is null:
                if (failures.Fail(missing))
                {
                    failures.Write($"missing attribute {check.Key}");
                }

                return;
            case AttributeCheckKind.Absent when value is not null:
                if (failures.Fail(missing))
                {
                    failures.Write($"has attribute {check.Key}, which must be absent");
                }

                return;
            case AttributeCheckKind.Exists or AttributeCheckKind.Absent:
                return;
        }

        if (value is not { } v)
        {
            if (failures.Fail(missing))
            {
                failures.Write($"missing attribute {check.Key} (expected {check.Text})");
            }

            return;
        }

        int wrong = missing + 1;
        if (number is not null)
        {
            double? actual = v.IsNumber ? v.AsDouble
                : v.Type == AttrType.String && double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : null;
            if (actual is null)
            {
                if (failures.Fail(wrong))
                {
                    failures.Write($"{check.Key} is '{v}', not a number (expected {check.Text})");
                }
            }
            else if (!number.Holds(actual.Value) && failures.Fail(wrong))
            {
                failures.Write($"{check.Key} is {v}, expected {check.Text}");
            }

            return;
        }

        bool equal = string.Equals(v.ToString(), check.Value, StringComparison.Ordinal);
        bool ok = check.Op == CompareOp.Ne ? !equal : equal;
        if (!ok && failures.Fail(wrong))
        {
            failures.Write($"{check.Key} is '{v}', expected {check.Text}");
        }
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind Attributes = Register(new AttributesAssertion());
}
