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

    /// <summary>The checks as an array: the per-span loop then neither dispatches through interfaces nor allocates.</summary>
    private sealed class EachSpan(AttributeCheck[] checks) : SpanCheck
    {
        public override void Check(SpanData span, ref List<SpanProblem>? problems)
        {
            foreach (var a in checks)
            {
                if (Problem(a, span) is { } p)
                {
                    (problems ??= []).Add(p);
                }
            }
        }
    }

    private static SpanProblem? Problem(AttributeCheck check, SpanData span)
    {
        var value = span.Lookup(check.Key);
        switch (check.Kind)
        {
            case AttributeCheckKind.Exists:
                return value is null ? new SpanProblem($"missing attribute {check.Key}", $"missing attribute {check.Key}") : null;
            case AttributeCheckKind.Absent:
                return value is null ? null : new SpanProblem($"attribute {check.Key} present", $"has attribute {check.Key}, which must be absent");
        }

        if (value is not { } v)
        {
            return new SpanProblem($"missing attribute {check.Key}", $"missing attribute {check.Key} (expected {check.Text})");
        }

        string key = $"{check.Key} not {check.Text}";
        if (check.Number is { } n)
        {
            double? actual = v.IsNumber ? v.AsDouble
                : v.Type == AttrType.String && double.TryParse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : null;
            if (actual is null)
            {
                return new SpanProblem(key, $"{check.Key} is '{v}', not a number (expected {check.Text})");
            }

            return new NumberComparison(check.Op, n, check.Text).Holds(actual.Value) ? null : new SpanProblem(key, $"{check.Key} is {v}, expected {check.Text}");
        }

        bool equal = string.Equals(v.ToString(), check.Value, StringComparison.Ordinal);
        bool ok = check.Op == CompareOp.Ne ? !equal : equal;
        return ok ? null : new SpanProblem(key, $"{check.Key} is '{v}', expected {check.Text}");
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind Attributes = Register(new AttributesAssertion());
}
