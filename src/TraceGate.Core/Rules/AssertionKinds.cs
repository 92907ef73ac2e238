using System.Diagnostics.CodeAnalysis;

[assembly: SuppressMessage("Usage", "CA2255:The 'ModuleInitializerAttribute' should not be used in libraries",
    Justification = "Each assertion kind registers itself from its own file (AssertionKinds): a new kind is one file, with no list to edit and no reflection, so trimming and Native AOT stay clean.")]

namespace TraceGate.Core.Rules;

/// <summary>
/// The assertion kinds of the rule language, in <see cref="AssertionKind.Order"/>. Each kind adds itself from its own
/// file with a <c>[ModuleInitializer]</c>, which the runtime runs once, before any other code of this assembly: the
/// table is complete and never changes by the time anything reads it.
/// </summary>
public static class AssertionKinds
{
    private static AssertionKind[] _all = [];

    public static IReadOnlyList<AssertionKind> All => _all;

    public static AssertionKind? Find(string key) => Array.Find(_all, k => k.Key == key);

    /// <summary>Called only from module initializers.</summary>
    internal static void Register(AssertionKind kind)
    {
        if (Find(kind.Key) is not null)
        {
            throw new InvalidOperationException($"two assertion kinds own the key '{kind.Key}'");
        }

        _all = [.. _all.Append(kind).OrderBy(k => k.Order)];
    }
}
