using System.Reflection;
using System.Reflection.Emit;

namespace TraceGate.Tests.Architecture;

/// <summary>
/// Which folders (namespaces) of an assembly use which: an edge A → B when a type of A names a type of B anywhere the
/// compiled code can, in a base type, an interface, a field, a property, an event, a method's signature, a local
/// variable, or an instruction of a method body (calls, field accesses, <c>new</c>, casts, <c>typeof</c>). Nested and
/// compiler-made types (lambdas, iterators, async machines) count for the namespace they sit in.
/// </summary>
internal static class NamespaceGraph
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The graph of the folders under <paramref name="root"/> (<c>TraceGate.Core.Rules.X</c> counts as <c>Rules</c>).</summary>
    public static Dictionary<string, SortedSet<string>> Of(Assembly assembly, string root)
    {
        var graph = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (Folder(type, root) is not { } from)
            {
                continue;
            }

            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var used in Referenced(type).SelectMany(Unwrap))
            {
                if (Folder(used, root) is { } to && to != from)
                {
                    edges.Add(to);
                }
            }
        }

        return graph;
    }

    /// <summary>Every cycle of the graph, as its strongly connected components of more than one folder (Tarjan).</summary>
    public static List<List<string>> Cycles(IReadOnlyDictionary<string, SortedSet<string>> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<List<string>>();
        int next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.TryGetValue(v, out var edges) ? edges : [])
            {
                if (!index.TryGetValue(w, out int seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    cycles.Add(component);
                }
            }
        }

        foreach (var v in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return cycles;
    }

    /// <summary>For each folder of a cycle, the types that make its edges to the other folders of the cycle: what to
    /// look at when the test fails.</summary>
    public static IEnumerable<string> Explain(Assembly assembly, string root, IReadOnlyCollection<string> cycle) =>
        assembly.GetTypes()
            .Where(t => Folder(t, root) is { } f && cycle.Contains(f))
            .SelectMany(t => Referenced(t).SelectMany(Unwrap)
                .Where(u => Folder(u, root) is { } to && to != Folder(t, root) && cycle.Contains(to))
                .Select(u => $"{t.FullName} uses {u.FullName}"))
            .Distinct()
            .Take(40);

    private static string? Folder(Type type, string root)
    {
        string? ns = type.Namespace;
        if (ns is null || !ns.StartsWith(root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        return ns[(root.Length + 1)..].Split('.')[0];
    }

    private static IEnumerable<Type> Unwrap(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var t in Unwrap(type.GetElementType()))
            {
                yield return t;
            }

            yield break;
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return t;
            }

            type = type.GetGenericTypeDefinition();
        }

        yield return type;
    }

    private static List<Type?> Referenced(Type type)
    {
        var used = new List<Type?> { type.BaseType };
        used.AddRange(type.GetInterfaces());
        used.AddRange(type.GetFields(Everything).Select(f => f.FieldType));
        used.AddRange(type.GetProperties(Everything).Select(p => p.PropertyType));
        used.AddRange(type.GetEvents(Everything).Select(e => e.EventHandlerType));
        IEnumerable<MethodBase> methods = type.GetMethods(Everything);
        methods = methods.Concat(type.GetConstructors(Everything));
        foreach (var method in methods)
        {
            if (method is MethodInfo m)
            {
                used.Add(m.ReturnType);
            }

            used.AddRange(method.GetParameters().Select(p => p.ParameterType));
            used.AddRange(InBody(method));
        }

        return used;
    }

    /// <summary>The types a method body names: its locals and the operands of its instructions.</summary>
    private static List<Type?> InBody(MethodBase method)
    {
        var used = new List<Type?>();
        var body = method.GetMethodBody();
        if (body?.GetILAsByteArray() is not { } il)
        {
            return used;
        }

        used.AddRange(body.LocalVariables.Select(l => l.LocalType));
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[i++]));
            }

            var op = OpCodesByValue[value];
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                MemberInfo? member = null;
                try
                {
                    member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                }
                catch (ArgumentException)
                {
                    // A token into a generic context this walk does not reconstruct: its declaring type is still seen
                    // through the signature of the method or field that uses it.
                }

                switch (member)
                {
                    case Type t:
                        used.Add(t);
                        break;
                    case FieldInfo f:
                        used.Add(f.DeclaringType);
                        used.Add(f.FieldType);
                        break;
                    case MethodBase m:
                        used.Add(m.DeclaringType);
                        used.AddRange(m.GetParameters().Select(p => p.ParameterType));
                        if (m is MethodInfo mi)
                        {
                            used.Add(mi.ReturnType);
                            if (mi.IsGenericMethod)
                            {
                                used.AddRange(mi.GetGenericArguments());
                            }
                        }

                        break;
                }
            }

            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }

        return used;
    }
}
