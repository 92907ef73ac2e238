using System.Text.RegularExpressions;

namespace TraceGate.Core.Policy;

/// <summary>
/// The documented defaults: the seed article's five fields are required, checklist items must be checked.
/// Known field names also lend their aliases and kind to a policy that names them, so a policy can say
/// <c>rollback: { required: true }</c> and still find <c>Rollback plan:</c> and <c>ROLLBACK:</c>.
/// </summary>
public static class PolicyDefaults
{
    public const string FileName = ".tracegate.yml";
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    public static readonly IReadOnlyDictionary<string, (string[] Aliases, FieldKind Kind)> KnownFields =
        new Dictionary<string, (string[], FieldKind)>(StringComparer.Ordinal)
        {
            ["incident"] = (["Incident", "INC", "Incident id", "Ticket"], FieldKind.Text),
            ["trace"] = (["Primary trace", "Trace", "TRACE", "Trace id", "Primary trace id"], FieldKind.TraceId),
            ["invariant"] = (["Invariant", "INVARIANT"], FieldKind.Text),
            ["root-cause"] = (["Root cause", "ROOT-CAUSE", "Cause"], FieldKind.Text),
            ["fix"] = (["Fix", "FIX"], FieldKind.Text),
            ["repro"] = (["Repro", "Reproduction", "REPRO", "Repro test"], FieldKind.TestRef),
            ["rollback"] = (["Rollback", "Rollback plan", "ROLLBACK"], FieldKind.Text),
        };

    public const string IncidentPattern = "^[A-Z][A-Z0-9]+-[0-9]+$";

    public static GatePolicy Create() => new(
        null,
        new EvidencePolicy(
            [EvidenceSourceKind.PrBody, EvidenceSourceKind.CommitTrailers],
            ChecklistMode.AllChecked,
            [
                Field("incident", true) with { Pattern = new Regex(IncidentPattern, RegexOptions.None, RegexTimeout), MustAgree = true },
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
        var (aliases, kind) = KnownFields.TryGetValue(name, out var known) ? known : ([name], FieldKind.Text);
        return new FieldPolicy(name, required, aliases, kind) { MustAgree = kind != FieldKind.Text };
    }
}
