using TraceGate.Core.PolicyFile;
using TraceGate.Core.Traces;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary>
/// One kind of assertion of a trace rule (<c>count</c>, <c>attributes</c>, <c>status</c>, <c>duration</c>...). A kind
/// owns its key under <c>traces.rules[]</c>: it reads the key's value into the rule, compiles what each selected span
/// must satisfy, judges the rule's whole run, and writes the text the report shows. A kind registers itself in
/// <see cref="AssertionKinds"/> from its own file, so a new kind is one new file.
/// </summary>
public abstract class AssertionKind
{
    /// <summary>The key under <c>traces.rules[]</c>, as the policy and schema/tracegate.schema.json spell it.</summary>
    public abstract string Key { get; }

    /// <summary>Where the kind stands among the others: the order of the rule keys in messages and of a span's problems.</summary>
    public abstract int Order { get; }

    /// <summary>Reads the key's value into the rule. Errors go to <paramref name="reader"/>, each naming <paramref name="at"/>.</summary>
    public abstract TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule);

    /// <summary>What each selected span must satisfy under the rule, or null when the rule asks nothing of spans here.</summary>
    public virtual SpanCheck? SpanCheck(TraceRule rule) => null;

    /// <summary>Span attribute keys the span check reads: the readers materialise only the keys some rule reads.</summary>
    public virtual IEnumerable<string> AttributeKeys(TraceRule rule) => [];

    /// <summary>Whether the rule needs the selected spans' durations: they are the only memory that grows with the input
    /// (8 bytes per selected span), so they are kept only when a kind asks.</summary>
    public virtual bool NeedsDurations(TraceRule rule) => false;

    /// <summary>Judged before the selected spans' problems are summed up: a rule that selected nothing says so first.</summary>
    public virtual bool JudgedFirst => false;

    /// <summary>Judges the rule's whole run: adds failures, warnings and statistics rows to <paramref name="judgement"/>.</summary>
    public virtual void Judge(RuleJudgement judgement)
    {
    }
}

/// <summary>
/// What one selected span must satisfy; compiled once per rule, run for every selected span on any reader thread. A
/// check names up front every way it can fail (<see cref="Failures"/>, numbered from 0). Judging a span records which
/// of them it fails and writes no text; the texts come from the same <see cref="Check"/> with texts asked for, only
/// for the spans a run keeps (see <see cref="RuleRun"/>). A policy of 2,351 rules over 10,000 spans once wrote and
/// kept every problem's text: 101 s and 5.9 GiB.
/// </summary>
public abstract class SpanCheck(IReadOnlyList<SpanFailure> failures)
{
    /// <summary>The ways the check can fail: <see cref="SpanFailures.Fail"/> takes an index into this list.</summary>
    public IReadOnlyList<SpanFailure> Failures { get; } = failures;

    /// <summary>Records in <paramref name="failures"/> each way <paramref name="span"/> fails the check, in the order
    /// of its problems, writing each problem's text when <see cref="SpanFailures.Fail"/> says texts are wanted.</summary>
    public abstract void Check(SpanData span, ref SpanFailures failures);
}

/// <summary>
/// One way a span check can fail. <see cref="Kind"/> groups spans in the rule's summary ("missing attribute
/// transfer.fee"). <see cref="Varies"/> when the problem's text depends on the span (the value it has, the events it
/// recorded); otherwise the text is the same for every span that fails this way, so a run writes it once.
/// </summary>
public sealed record SpanFailure(string Kind, bool Varies = false);
