using TraceGate.Core.PolicyFile;
using TraceGate.Core.Traces;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary>
/// <c>links: '&gt;= 1'</c>: how many span links each selected span carries (OTLP <c>links</c>, Jaeger references
/// other than the parent; Zipkin has none), with the comparisons of <c>count</c>. A batch consumer that must link to
/// the messages it settled, a retry that must link to the attempt before.
/// </summary>
public sealed class LinksAssertion : AssertionKind
{
    public override string Key => "links";

    public override int Order => 55;

    public override TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule)
    {
        if (reader.Scalar(value, at) is { } text)
        {
            if (Quantities.Count(text, out var error) is { } limit)
            {
                return rule with { Values = rule.Values.SetItem(Key, limit) };
            }

            reader.Error(value, $"{at}: {error}");
        }

        return rule;
    }

    /// <summary>The rule's <c>links</c> comparison, when it has one.</summary>
    public static NumberComparison? Of(TraceRule rule) => rule.Values.TryGetValue("links", out var value) ? value as NumberComparison : null;

    public override SpanCheck? SpanCheck(TraceRule rule) => Of(rule) is { } limit ? new EachSpan(limit) : null;

    /// <summary>Fails one way; the text names how many links the span has.</summary>
    private sealed class EachSpan(NumberComparison limit) : SpanCheck([new SpanFailure($"links not {limit.Text}", Varies: true)])
    {
        public override void Check(SpanData span, ref SpanFailures failures)
        {
            int links = span.Links.Count;
            if (!limit.Holds(links) && failures.Fail(0))
            {
                failures.Write($"has {links} span link(s), expected {limit.Text}");
            }
        }
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind Links = Register(new LinksAssertion());
}
