using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>
/// Numbers the traces structural selection sees, 0, 1, 2 … in order of first sight, so its span table keys on a
/// 4-byte number instead of the 16-byte id: 16 bytes a trace for the id, in blocks that never move, and 4 to 8 bytes
/// of open-addressing slots (a <see cref="Dictionary{TKey,TValue}"/> takes 36 bytes and doubles into a second array).
/// </summary>
internal sealed class TraceNumbers
{
    private const int BlockBits = 14;
    private readonly List<TraceId[]> _blocks = [];
    private int[] _slots = new int[1024];
    private int _count;

    public int Count => _count;

    public long Bytes => (_slots.Length * 4L) + (_blocks.Count * (16L << BlockBits));

    public int NumberOf(TraceId trace)
    {
        if ((_count + 1) * 4L > _slots.Length * 3L)
        {
            Grow();
        }

        int mask = _slots.Length - 1;
        for (int at = Hash(trace) & mask; ; at = (at + 1) & mask)
        {
            int n = _slots[at] - 1;
            if (n < 0)
            {
                n = _count++;
                if ((n >> BlockBits) == _blocks.Count)
                {
                    _blocks.Add(new TraceId[1 << BlockBits]);
                }

                _blocks[n >> BlockBits][n & ((1 << BlockBits) - 1)] = trace;
                _slots[at] = n + 1;
                return n;
            }

            if (Id(n) == trace)
            {
                return n;
            }
        }
    }

    public void Clear()
    {
        _blocks.Clear();
        _slots = new int[1024];
        _count = 0;
    }

    private TraceId Id(int n) => _blocks[n >> BlockBits][n & ((1 << BlockBits) - 1)];

    private static int Hash(TraceId trace)
    {
        ulong z = trace.Hi ^ (trace.Lo * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(z ^ (z >> 31));
    }

    private void Grow()
    {
        var bigger = new int[_slots.Length * 2];
        int mask = bigger.Length - 1;
        for (int n = 0; n < _count; n++)
        {
            int at = Hash(Id(n)) & mask;
            while (bigger[at] != 0)
            {
                at = (at + 1) & mask;
            }

            bigger[at] = n + 1;
        }

        _slots = bigger;
    }
}
