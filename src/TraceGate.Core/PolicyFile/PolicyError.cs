namespace TraceGate.Core.PolicyFile;

/// <summary>A policy error: file, line and what was expected. Rendered as <c>file:line: message</c>.</summary>
public sealed record PolicyError(string Path, int Line, string Message)
{
    public override string ToString() => $"{Path}:{Line}: {Message}";
}
