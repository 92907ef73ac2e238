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

    /// <summary>Fails one way per forbidden event (failure f: the span recorded forbidden[f]).</summary>
    private sealed class EachSpan(string[] forbidden) : SpanCheck([.. forbidden.Select(e => new SpanFailure("forbidden event " + e))])
    {
        public override void Check(SpanData span, ref SpanFailures failures)
        {
            for (int f = 0; f < forbidden.Length; f++)
            {
                string name = forbidden[f];
                foreach (var e in span.Events)
                {
                    if (e.Name == name)
                    {
                        if (failures.Fail(f))
                        {
                            failures.Write($"has the forbidden event {name}");
                        }

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
