using TraceGate.Core.PolicyFile;
using TraceGate.Core.Traces;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary><c>forbid-events: [retry]</c>: no selected span records any of these events.</summary>
public sealed class ForbidEventsAssertion : AssertionKind
{
    public override string Key => "forbid-events";

    public override int Order => 40;

    public override TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule) =>
        rule with { ForbidEvents = reader.StringList(value, at).Select(e => e.Value).ToList() };

    public override SpanCheck? SpanCheck(TraceRule rule) => rule.ForbidEvents.Count == 0 ? null : new EachSpan([.. rule.ForbidEvents]);

    private sealed class EachSpan(string[] forbidden) : SpanCheck
    {
        public override void Check(SpanData span, ref List<SpanProblem>? problems)
        {
            foreach (var name in forbidden)
            {
                foreach (var e in span.Events)
                {
                    if (e.Name == name)
                    {
                        (problems ??= []).Add(new SpanProblem("forbidden event " + name, $"has the forbidden event {name}"));
                        break;
                    }
                }
            }
        }
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind ForbidEvents = Register(new ForbidEventsAssertion());
}
