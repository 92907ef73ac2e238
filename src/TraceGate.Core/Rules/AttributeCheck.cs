namespace TraceGate.Core.Rules;

public enum AttributeCheckKind
{
    Exists,
    Absent,
    Compare,
}

/// <summary>An attribute condition: exists, absent, or a comparison with a number or a string.</summary>
public sealed record AttributeCheck(string Key, AttributeCheckKind Kind, string Text)
{
    public CompareOp Op { get; init; } = CompareOp.Eq;
    public double? Number { get; init; }
    public string? Value { get; init; }
}
