using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>
/// A sink whose work per span splits in two: <see cref="Judge"/> reads only the span and the sink's settings, so a
/// reader may call it on any thread; <see cref="Apply"/> adds the result, in file order, on one thread. Readers that
/// parse on several threads use it so the per-span work runs on every core without copying spans.
/// </summary>
public interface IJudgingSpanSink : ISpanSink
{
    SpanJudgement Judge(SpanData span, SpanJudgement? reuse);

    void Apply(SpanJudgement judgement);
}
