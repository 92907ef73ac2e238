using TraceGate.Core.Rules;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// What a reader's worker thread keeps of one chunk's spans for the calling thread: the sink's judgements when it can
/// judge on the worker (the rule engine: the per-span work then runs on every core and no span is copied), else
/// copies of the spans. Reused chunk after chunk; <see cref="DeliverTo"/> hands them on, in order, on the calling thread.
/// </summary>
internal sealed class SpanBatch(IJudgingSpanSink? judge) : ISpanSink
{
    public IJudgingSpanSink? Judge { get; } = judge;

    private readonly List<SpanData> _spans = [];
    private readonly List<SpanJudgement> _judgements = [];

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void OnSpan(SpanData span)
    {
        if (Judge is not null)
        {
            var reuse = Count < _judgements.Count ? _judgements[Count] : null;
            var judged = Judge.Judge(span, reuse);
            if (reuse is null)
            {
                _judgements.Add(judged);
            }

            Count++;
            return;
        }

        if (Count == _spans.Count)
        {
            _spans.Add(new SpanData());
        }

        span.CopyTo(_spans[Count++]);
    }

    /// <summary>Hands the batch to <paramref name="sink"/> (the judging sink itself, or any other) in the order seen.</summary>
    public void DeliverTo(ISpanSink sink)
    {
        if (Judge is { } judging)
        {
            for (int i = 0; i < Count; i++)
            {
                judging.Apply(_judgements[i]);
            }

            return;
        }

        for (int i = 0; i < Count; i++)
        {
            sink.OnSpan(_spans[i]);
        }
    }
}
