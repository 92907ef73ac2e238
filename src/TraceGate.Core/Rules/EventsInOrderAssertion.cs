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

    /// <summary>Fails one way per span: out of order (failure 0), or missing the expected event x (failure 1 + x);
    /// either text lists the events seen.</summary>
    private sealed class EachSpan(string[] expected) : SpanCheck(
        [new SpanFailure("events out of order", Varies: true), .. expected.Select(e => new SpanFailure("missing event " + e, Varies: true))])
    {
        public override void Check(SpanData span, ref SpanFailures failures) => Judge(expected, span, ref failures);
    }

    private static void Judge(string[] expected, SpanData span, ref SpanFailures failures)
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
        for (int x = 0; x < expected.Length; x++)
        {
            string name = expected[x];
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
                bool seenEarlier = false;
                for (int i = 0; i < ordered.Count && !seenEarlier; i++)
                {
                    seenEarlier = ordered[i].Name == name;
                }

                if (failures.Fail(seenEarlier ? 0 : 1 + x))
                {
                    var seen = ordered.Select(e => e.Name).ToList();
                    string seenText = seen.Count == 0 ? "no events" : "events seen: " + string.Join(", ", seen);
                    failures.Write(seenEarlier
                        ? $"events out of order: expected {string.Join(", ", expected)}; {seenText}"
                        : $"missing event {name}; {seenText}");
                }

                return;
            }

            from = at + 1;
        }
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind EventsInOrder = Register(new EventsInOrderAssertion());
}
