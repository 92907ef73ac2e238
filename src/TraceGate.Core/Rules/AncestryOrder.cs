namespace TraceGate.Core.Rules;

/// <summary>
/// The parent links of the spans that structural selectors resolve: each span's parent (the first span with that id
/// in the same trace), every span not on a parent loop in an order that puts each after its parent, and the loops a
/// corrupt file can make (A's parent is B, B's parent is A), each in the order of its parent links.
/// Built in one pass without recursion (a chain can be as long as the input); it keeps 8 bytes per span.
/// </summary>
internal sealed class AncestryOrder
{
    private AncestryOrder(int[] parent, ArraySegment<int> parentsFirst, List<int[]> loops)
    {
        Parent = parent;
        ParentsFirst = parentsFirst;
        Loops = loops;
    }

    /// <summary>The index of each span's parent, or -1 for a root or a parent that is not in the input.</summary>
    public int[] Parent { get; }

    /// <summary>Every span that is not on a loop, each after its parent.</summary>
    public ArraySegment<int> ParentsFirst { get; }

    /// <summary>Each loop as spans in parent order: the parent of <c>loop[i]</c> is <c>loop[(i + 1) % length]</c>.</summary>
    public List<int[]> Loops { get; }

    public static AncestryOrder Build(StructuralSelection.Node[] nodes)
    {
        int count = nodes.Length;
        var parent = new int[count];
        var index = new Dictionary<(int, ulong), int>(count);
        for (int n = 0; n < count; n++)
        {
            index.TryAdd((nodes[n].Trace, nodes[n].Span), n);
        }

        for (int n = 0; n < count; n++)
        {
            var node = nodes[n];
            parent[n] = node.Parent != 0 && index.TryGetValue((node.Trace, node.Parent), out int p) ? p : -1;
        }

        const byte fresh = 0, onPath = 1, placed = 2;
        var state = new byte[count];
        var order = new int[count];
        int ordered = 0;
        var loops = new List<int[]>();
        var path = new List<int>();
        for (int start = 0; start < count; start++)
        {
            if (state[start] != fresh)
            {
                continue;
            }

            // Walk up until a span already placed, a root, or a span of this walk (a loop).
            path.Clear();
            int cur = start;
            while (cur >= 0 && state[cur] == fresh)
            {
                state[cur] = onPath;
                path.Add(cur);
                cur = parent[cur];
            }

            int below = path.Count;
            if (cur >= 0 && state[cur] == onPath)
            {
                below = path.IndexOf(cur);
                var loop = path.GetRange(below, path.Count - below).ToArray();
                foreach (int n in loop)
                {
                    state[n] = placed;
                }

                loops.Add(loop);
            }

            for (int i = below - 1; i >= 0; i--)
            {
                order[ordered++] = path[i];
                state[path[i]] = placed;
            }
        }

        return new AncestryOrder(parent, new ArraySegment<int>(order, 0, ordered), loops);
    }
}
