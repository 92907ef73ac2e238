using System.Text.RegularExpressions;

namespace TraceGate.Core.Policy;

/// <summary>
/// The documented defaults: the seed article's five fields are required, checklist items must be checked.
/// Known field names also lend their aliases, kind and pattern to a policy that names them, so a policy can say
/// <c>rollback: { required: true }</c> and still find <c>Rollback plan:</c> and <c>ROLLBACK:</c>, and
/// <c>incident: { aliases: [Jira link] }</c> still checks the ticket key.
/// </summary>
public static class PolicyDefaults
{
    public const string FileName = ".tracegate.yml";
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    public const string IncidentPattern = "^[A-Z][A-Z0-9]+-[0-9]+$";

    /// <summary>Ticket keys and the keys TraceGate makes of tracker links: <c>INC-2471</c>, <c>owner/repo#123</c>,
    /// <c>#123</c>, <c>AB#123</c> (Azure Boards). <c>tracegate init --evidence</c> drafts it for a template whose incident
    /// field asks for an issue.</summary>
    public const string IssueRefPattern = "^([A-Z][A-Z0-9]+-[0-9]+|([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)?#[0-9]+|AB#[0-9]+)$";

    /// <summary>A known field's labels, kind and built-in pattern. A policy entry for the field starts from these and
    /// changes only what it sets: <c>aliases</c> add to the labels, they do not replace the pattern or kind.</summary>
    /// <param name="TrackerKeys">Whether a tracker link (Jira, Linear, GitHub, Azure Boards) given as the value yields
    /// its key.</param>
    public sealed record KnownField(string[] Aliases, FieldKind Kind, string? Pattern = null, bool TrackerKeys = false);

    public static readonly IReadOnlyDictionary<string, KnownField> KnownFields =
        new Dictionary<string, KnownField>(StringComparer.Ordinal)
        {
            ["incident"] = new(["Incident", "INC", "Incident id", "Ticket"], FieldKind.Text, IncidentPattern, TrackerKeys: true),
            ["trace"] = new(["Primary trace", "Trace", "TRACE", "Trace id", "Primary trace id"], FieldKind.TraceId),
            ["invariant"] = new(["Invariant", "INVARIANT"], FieldKind.Text),
            ["root-cause"] = new(["Root cause", "ROOT-CAUSE", "Cause"], FieldKind.Text),
            ["fix"] = new(["Fix", "FIX"], FieldKind.Text),
            ["repro"] = new(["Repro", "Reproduction", "REPRO", "Repro test"], FieldKind.TestRef),
            ["rollback"] = new(["Rollback", "Rollback plan", "ROLLBACK"], FieldKind.Text),
        };

    public static GatePolicy Create() => new(
        null,
        new EvidencePolicy(
            [EvidenceSourceKind.PrBody, EvidenceSourceKind.CommitTrailers],
            ChecklistMode.AllChecked,
            [
                Field("incident", true),
                Field("trace", true) with { MustAgree = true },
                Field("invariant", true),
                Field("root-cause", false),
                Field("fix", false),
                Field("repro", true) with { MustAgree = true },
                Field("rollback", true),
            ]),
        new TestsPolicy([]));

    public static FieldPolicy Field(string name, bool required)
    {
        if (!KnownFields.TryGetValue(name, out var known))
        {
            return new FieldPolicy(name, required, [name], FieldKind.Text);
        }

        return new FieldPolicy(name, required, known.Aliases, known.Kind)
        {
            Pattern = known.Pattern is { } p ? new Regex(p, RegexOptions.CultureInvariant, RegexTimeout) : null,
            TrackerKeys = known.TrackerKeys,
            MustAgree = known.Kind != FieldKind.Text || known.Pattern is not null,
        };
    }
}
