namespace TraceGate.Core.Rules;

/// <summary>
/// The assertion kinds of the rule language, in <see cref="AssertionKind.Order"/>. Each kind adds itself from its own
/// file, with a static field of this partial class whose initializer registers it: the runtime runs every initializer
/// of the class once, before the first read of <see cref="All"/>, so the table is complete and never changes by the
/// time anything reads it. (Not a <c>[ModuleInitializer]</c>: SharpFuzz's instrumentation of a module initializer
/// crashes the fuzz harness with an access violation before AFL's shared memory exists.)
/// </summary>
public static partial class AssertionKinds
{
    // No initializer of its own: the kinds' initializers may run before this file's, and one here would empty it.
    private static AssertionKind[]? _all;

    public static IReadOnlyList<AssertionKind> All => _all!;

    public static AssertionKind? Find(string key) => Array.Find(_all!, k => k.Key == key);

    /// <summary>Called only from the kinds' registration fields.</summary>
    private static AssertionKind Register(AssertionKind kind)
    {
        var all = _all ?? [];
        if (Array.Exists(all, k => k.Key == kind.Key))
        {
            throw new InvalidOperationException($"two assertion kinds own the key '{kind.Key}'");
        }

        _all = [.. all.Append(kind).OrderBy(k => k.Order)];
        return kind;
    }
}
