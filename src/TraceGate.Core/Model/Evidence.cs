namespace TraceGate.Core.Model;

public enum EvidenceSource
{
    PrBody,
    Trailer,
    Label,
}

/// <summary>One value for an evidence field as found in one place (a PR line or a commit trailer).</summary>
public sealed record EvidenceCandidate(string Field, string Label, string Value, EvidenceSource Source, int Line)
{
    /// <summary>The URL of a Markdown link that carried the value, kept for reports.</summary>
    public string? Url { get; init; }

    /// <summary>Index of the commit (in the order given) for trailers.</summary>
    public int? Commit { get; init; }

    /// <summary>True when the value was only an HTML comment: the template's instructions were left in place.</summary>
    public bool OnlyComment { get; init; }

    /// <summary>True when the value is a heading's whole section: a labelled line for the same field is more specific.</summary>
    public bool FromSection { get; init; }

    /// <summary>The PR template's own text that was all the value held, and the template it came from.</summary>
    public (string Text, string Template)? TemplateText { get; init; }
}

/// <summary>The value of a field that the gate settled on, with what the field's kind made of it.</summary>
public sealed record EvidenceValue(string Field, string Value, EvidenceSource Source, int Line)
{
    public string? Url { get; init; }
    public int? Commit { get; init; }

    /// <summary>For <c>kind: trace-id</c>: the lowercase 32-hex-digit W3C trace id.</summary>
    public string? TraceId { get; init; }

    /// <summary>For source <see cref="EvidenceSource.Label"/>: the label that carried the value.</summary>
    public string? Label { get; init; }
}

public sealed record ChecklistItem(string Text, bool Checked, int Line);

/// <summary>A trailer as git reads it: the key as written, the unfolded value, and where it stood.</summary>
public sealed record Trailer(string Key, string Value, int Commit, int Line);

public static class EvidenceSourceNames
{
    public static string ToWire(this EvidenceSource source) => source switch
    {
        EvidenceSource.PrBody => "pr-body",
        EvidenceSource.Trailer => "trailer",
        EvidenceSource.Label => "label",
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };
}
