using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>
/// The spans that matched a structural selector's last step, in file order, until they are handed to their rule's
/// <see cref="RuleRun"/>. A run keeps the first offenders it is given, so it must see its spans in file order whatever
/// order their ancestry resolves in: a candidate whose ancestry is known goes on at once when nothing waits before
/// it, else it waits (56 bytes) behind the oldest candidate still waiting for a parent.
/// </summary>
internal sealed class CandidateQueue(RuleRun[] runs)
{
    private const byte Waiting = 0, Selected = 1, Rejected = 2;

    private Slot[] _ring = new Slot[256];
    private int _head;
    private int _count;
    private long _headSeq;

    /// <summary>The number the next candidate gets.</summary>
    public long NextSeq => _headSeq + _count;

    /// <summary>Candidates held now (waiting, or resolved behind one that waits).</summary>
    public int Count => _count;

    /// <summary>Bytes the queue holds now.</summary>
    public long Bytes => _ring.Length * 56L;

    public void Add(int rule, TraceId trace, ulong span, string name, long duration, SpanProblems? problems, bool? selected)
    {
        if (_count == 0 && selected is { } known)
        {
            if (known)
            {
                runs[rule].Add(trace, span, name, duration, problems);
            }

            _headSeq++;
            return;
        }

        if (_count == _ring.Length)
        {
            var bigger = new Slot[_ring.Length * 2];
            for (int i = 0; i < _count; i++)
            {
                bigger[i] = _ring[(_head + i) % _ring.Length];
            }

            _ring = bigger;
            _head = 0;
        }

        byte state = selected switch { null => Waiting, true => Selected, false => Rejected };
        _ring[(_head + _count) % _ring.Length] = new Slot(trace, span, name, duration, problems, rule, state);
        _count++;
    }

    /// <summary>The rule of candidate <paramref name="seq"/>, which is still held.</summary>
    public int RuleOf(long seq) => _ring[Index(seq)].Rule;

    /// <summary>Decides a waiting candidate, and hands on every resolved one at the head.</summary>
    public void Resolve(long seq, bool selected)
    {
        ref var slot = ref _ring[Index(seq)];
        slot = slot with { State = selected ? Selected : Rejected };
        while (_count > 0 && _ring[_head].State != Waiting)
        {
            var s = _ring[_head];
            if (s.State == Selected)
            {
                runs[s.Rule].Add(s.Trace, s.Span, s.Name, s.Duration, s.Problems);
            }

            _ring[_head] = default;
            _head = (_head + 1) % _ring.Length;
            _count--;
            _headSeq++;
        }
    }

    private int Index(long seq) => (int)((_head + (seq - _headSeq)) % _ring.Length);

    private readonly record struct Slot(TraceId Trace, ulong Span, string Name, long Duration, SpanProblems? Problems, int Rule, byte State);
}
