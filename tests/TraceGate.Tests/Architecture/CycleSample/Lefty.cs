namespace TraceGate.Tests.Architecture.CycleSample.Left;

/// <summary>Half of a deliberate cycle for FolderCycleTests: uses Right only inside a lambda's body.</summary>
internal sealed class Lefty
{
    public static int Count(IEnumerable<int> values) => values.Count(v => Right.Righty.Keep(v));
}
