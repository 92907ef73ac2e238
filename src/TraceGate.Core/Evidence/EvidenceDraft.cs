using System.Text;
using System.Text.RegularExpressions;
using TraceGate.Core.Policy;

namespace TraceGate.Core.Evidence;

/// <summary>
/// Drafts an <c>evidence:</c> policy from a team's PR template, so that the team starts from its own labels: every
/// field of the template (a heading with a section of its own, a bold label, a <c>Label:</c> line) becomes a field,
/// an alias of a known field when its words say which one (<c>Rollback Plan</c> is <c>rollback</c>,
/// <c>Linked Issue</c> is <c>incident</c>), else a new text field. Headings that only group labels or checklists
/// are structure, not fields.
/// </summary>
public static partial class EvidenceDraft
{
    /// <summary>One drafted field: its name, whether it is required, the template's labels for it.</summary>
    public sealed record DraftField(string Name, bool Required, IReadOnlyList<string> Aliases, bool Known, string? Pattern);

    private const int MaxLabelWords = 8;

    [GeneratedRegex(@"\b(roll\s?-?back|revert)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RollbackWords();

    [GeneratedRegex(@"\b(root\s+cause|rca|cause|5\s+whys)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RootCauseWords();

    [GeneratedRegex(@"\b(incident|ticket|issues?|jira|linear|tracker|work\s+items?|bug\s+id)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IncidentWords();

    // An incident label that asks for a story rather than a reference ("Incident Overview") is a text field of its own.
    [GeneratedRegex(@"\b(overview|description|summary|context|impact|details|analysis|timeline)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex StoryWords();

    [GeneratedRegex(@"\b(link|url|id|key|ref|reference|number|fixes|fixed|closes|linked|related)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReferenceWords();

    [GeneratedRegex(@"\btrace\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TraceWords();

    // "Fix summary", "Fix Applied", "Proposed Fix", "Solution": the fix itself, not "Permanent fix PR(s) planned".
    [GeneratedRegex(@"^(fix\b|proposed\s+fix\b|solution\b|the\s+fix\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FixWords();

    [GeneratedRegex(@"^(repro(duction)?|repro(duction)?\s+test|regression\s+test)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReproLabel();

    [GeneratedRegex(@"\(optional\)|\bif\s+(applicable|any|needed|relevant|available)\b|^(additional\s+(notes|info|information|context)|notes|other\s+information|screenshots?.*|reviewers?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OptionalWording();

    [GeneratedRegex(@"\([^()]*\)")]
    private static partial Regex Parenthetical();

    [GeneratedRegex(@"github\.com|#[0-9<]|\bissue", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex GitHubIssueHints();

    /// <summary>Whether a normalised label has the shape of a field label in a template: short, words not a sentence.</summary>
    public static bool IsLabelShaped(string normalized) =>
        normalized.Length is > 0 and <= 60
        && normalized.Any(char.IsLetter)
        && normalized.Split(' ').Count(w => w.Any(char.IsLetterOrDigit)) <= MaxLabelWords
        && !normalized.StartsWith("http", StringComparison.Ordinal)
        && !normalized.StartsWith("e.g", StringComparison.Ordinal);

    /// <summary>The fields the templates ask for, known fields first in their usual order, then new fields in the
    /// order the templates name them. With several templates, a field is required when every template has it.</summary>
    public static IReadOnlyList<DraftField> Fields(IReadOnlyList<PrTemplate> templates)
    {
        var order = new List<string>();
        var aliases = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var optional = new HashSet<string>(StringComparer.Ordinal);
        var seenIn = new Dictionary<string, int>(StringComparer.Ordinal);
        var incidentText = new StringBuilder();
        foreach (var template in templates)
        {
            var inThis = new HashSet<string>(StringComparer.Ordinal);
            foreach (var v in PrBodyParser.Parse(template.Text, IsLabelShaped).Values)
            {
                if (!IsField(v))
                {
                    continue;
                }

                string label = PrBodyParser.Undecorated(v.Label);
                string name = KnownFieldOf(label) ?? NewName(label);
                if (name == "incident")
                {
                    incidentText.Append(label).Append(' ').AppendJoin(' ', v.Parts).Append(' ');
                }

                if (!aliases.TryGetValue(name, out var list))
                {
                    aliases[name] = list = [];
                    order.Add(name);
                }

                if (!list.Any(a => PrBodyParser.NormalizeLabel(a) == PrBodyParser.NormalizeLabel(label)))
                {
                    list.Add(label);
                }

                if (OptionalWording().IsMatch(PrBodyParser.NormalizeLabel(label)))
                {
                    optional.Add(name);
                }

                if (inThis.Add(name))
                {
                    seenIn[name] = seenIn.GetValueOrDefault(name) + 1;
                }
            }
        }

        string[] knownOrder = [.. PolicyDefaults.KnownFields.Keys];
        return order
            .OrderBy(n => Array.IndexOf(knownOrder, n) is var i && i >= 0 ? i : knownOrder.Length)
            .Select(n =>
            {
                bool known = PolicyDefaults.KnownFields.TryGetValue(n, out var k);
                var extra = aliases[n].Where(a => !known || !k!.Aliases.Any(ka => PrBodyParser.NormalizeLabel(ka) == PrBodyParser.NormalizeLabel(a))).ToList();
                string? pattern = n == "incident" && GitHubIssueHints().IsMatch(incidentText.ToString()) ? PolicyDefaults.IssueRefPattern : null;
                return new DraftField(n, seenIn[n] == templates.Count && !optional.Contains(n), extra, known, pattern);
            })
            .ToList();
    }

    /// <summary>The <c>evidence:</c> section (two-space indented YAML), with comments that say where each field came from.</summary>
    public static string Render(IReadOnlyList<PrTemplate> templates)
    {
        var fields = Fields(templates);
        var sb = new StringBuilder();
        sb.Append("evidence:\n");
        sb.Append("  # Drafted from ").Append(string.Join(", ", templates.Select(t => t.Path))).Append(": the template's labels are the fields,\n");
        sb.Append("  # and a value that is still the template's text counts as not filled in.\n");
        sb.Append("  sources: [pr-body, commit-trailers]\n");
        sb.Append("  # Choice lists (type of change) cannot all be ticked: delete the options that do not apply, or set checklist: ignore.\n");
        sb.Append("  checklist: all-checked\n");
        sb.Append("  fields:\n");
        foreach (var f in fields)
        {
            sb.Append("    ").Append(f.Name).Append(":\n");
            sb.Append("      required: ").Append(f.Required ? "true" : "false").Append('\n');
            if (f.Aliases.Count > 0)
            {
                sb.Append("      aliases: [").AppendJoin(", ", f.Aliases.Select(Quote)).Append("]\n");
            }

            if (f.Pattern is { } p)
            {
                sb.Append("      # Ticket keys, GitHub issues (#123, owner/repo#123; issue URLs become owner/repo#123) and Azure Boards AB#123.\n");
                sb.Append("      pattern: ").Append(Quote(p)).Append('\n');
            }
        }

        var missing = PolicyDefaults.KnownFields.Keys.Where(k => fields.All(f => f.Name != k) && PolicyDefaults.Create().Evidence.Fields.Any(d => d.Name == k && d.Required)).ToList();
        if (missing.Count > 0)
        {
            sb.Append("    # The template asks for no ").AppendJoin(", ", missing)
              .Append(": add a section to the template and a field here (e.g. '").Append(missing[0]).Append(": {}') to require it.\n");
        }

        return sb.ToString();
    }

    /// <summary>Whether a labelled value of the template is a field: not a heading that only groups labels, not a
    /// label whose only content is checklist items.</summary>
    private static bool IsField(LabeledValue v)
    {
        // A heading with labels inside and no text of its own groups them ("## Risk & safety" over "- Blast radius:").
        if (v.Form == LabelForm.Heading && v.NestedLabels > 0 && v.Parts.Count == 0 && !v.OnlyComment)
        {
            return false;
        }

        return !(v.TaskItems > 0 && v.Parts.Count == 0);
    }

    /// <summary>The known field a template label names, by its words.</summary>
    public static string? KnownFieldOf(string label)
    {
        string n = PrBodyParser.NormalizeLabel(label);
        foreach (var (name, known) in PolicyDefaults.KnownFields)
        {
            if (known.Aliases.Any(a => PrBodyParser.NormalizeLabel(a) == n))
            {
                return name;
            }
        }

        if (ReproLabel().IsMatch(n))
        {
            return "repro";
        }

        if (TraceWords().IsMatch(n))
        {
            return "trace";
        }

        if (n.Contains("invariant", StringComparison.Ordinal))
        {
            return "invariant";
        }

        if (RollbackWords().IsMatch(n))
        {
            return "rollback";
        }

        if (RootCauseWords().IsMatch(n))
        {
            return "root-cause";
        }

        if (IncidentWords().IsMatch(n) && (!StoryWords().IsMatch(n) || ReferenceWords().IsMatch(n)))
        {
            return "incident";
        }

        return FixWords().IsMatch(n) ? "fix" : null;
    }

    /// <summary>A field name for a new label: lowercase words joined by '-', at most 40 characters, starting with a letter.</summary>
    private static string NewName(string label)
    {
        var sb = new StringBuilder();
        // "Start time (UTC)" is start-time: the parenthesis says how, not what.
        string words = Parenthetical().Replace(label, " ").Trim();
        foreach (char c in PrBodyParser.NormalizeLabel(words.Length > 0 ? words : label))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        string name = sb.ToString().Trim('-');
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]))
        {
            name = "field-" + name;
        }

        name = name.Length > 40 ? name[..40].TrimEnd('-') : name;
        // A new field must not take a known field's name and so its kind and pattern.
        return PolicyDefaults.KnownFields.ContainsKey(name) ? name + "-text" : name;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}
