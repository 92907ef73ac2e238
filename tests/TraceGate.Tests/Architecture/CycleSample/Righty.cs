namespace TraceGate.Tests.Architecture.CycleSample.Right;

/// <summary>The other half of the deliberate cycle for FolderCycleTests: uses Left through a field.</summary>
internal sealed class Righty
{
    private readonly Left.Lefty? _left = null;

    public static bool Keep(int value) => value > 0;

    public override string ToString() => _left?.ToString() ?? "";
}
