namespace TraceGate.Tests.Architecture.CycleSample.Acyclic;

/// <summary>Uses Left and is used by nothing: in the sample's graph, but in no cycle.</summary>
internal static class User
{
    public static int Use() => Left.Lefty.Count([1, -1]);
}
