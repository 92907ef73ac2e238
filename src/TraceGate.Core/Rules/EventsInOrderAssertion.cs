using TraceGate.Core.PolicyFile;
using TraceGate.Core.Traces;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary><c>events-in-order: [validated, debited, credited]</c>: each selected span records these events in this
/// order (by time; other events may come between).</summary>
public sealed class EventsInOrderAssertion : AssertionKind
{
    public override string Key => "events-in-order";

    public override int Order => 30;

    public override TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule) =>
        rule with { EventsInOrder = reader.StringList(value, at).Select(e => e.Value).ToList() };

    public override SpanCheck? SpanCheck(TraceRule rule) => rule.EventsInOrder.Count == 0 ? null : new EachSpan([.. rule.EventsInOrder]);

    private sealed class EachSpan(string[] expected) : SpanCheck
    {
        public override void Check(SpanData span, ref List<SpanProblem>? problems)
        {
            if (Problem(expected, span) is { } order)
            {
                (problems ??= []).Add(order);
            }
        }
    }

    private static SpanProblem? Problem(string[] expected, SpanData span)
    {
        // Events in time order. The SDKs record them in order, so sort (stably) only when they are not.
        var events = span.Events;
        bool sorted = true;
        for (int i = 1; i < events.Count && sorted; i++)
        {
            sorted = events[i - 1].TimeUnixNano <= events[i].TimeUnixNano;
        }

        IReadOnlyList<SpanEvent> ordered = sorted ? events : events.Select((e, i) => (e, i)).OrderBy(x => x.e.TimeUnixNano).ThenBy(x => x.i).Select(x => x.e).ToList();
        int from = 0;
        foreach (var name in expected)
        {
            int at = -1;
            for (int i = from; i < ordered.Count; i++)
            {
                if (ordered[i].Name == name)
                {
                    at = i;
                    break;
                }
            }

            if (at < 0)
            {
                var seen = ordered.Select(e => e.Name).ToList();
                string seenText = seen.Count == 0 ? "no events" : "events seen: " + string.Join(", ", seen);
                return seen.Contains(name)
                    ? new SpanProblem("events out of order", $"events out of order: expected {string.Join(", ", expected)}; {seenText}")
                    : new SpanProblem("missing event " + name, $"missing event {name}; {seenText}");
            }

            from = at + 1;
        }

        return null;
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind EventsInOrder = Register(new EventsInOrderAssertion());
}
