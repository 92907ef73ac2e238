using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using TraceGate.Core.PolicyFile;

namespace TraceGate.Core.Policy;

/// <summary>The condition keys: <c>evidence.when</c>, <c>evidence.skip-*</c>, a field's <c>required: { when: ... }</c>
/// and its <c>labels</c> patterns. A condition that could never hold is an error, not a silent never.</summary>
internal static class ConditionSection
{
    private static readonly string[] ConditionKeys = ["labels", "title", "branches", "paths", "trailers"];

    // git interpret-trailers: a key is letters, digits and '-' (the separator ends it).
    private static readonly Regex TrailerKeyName = new("^[A-Za-z0-9][A-Za-z0-9-]*$", RegexOptions.CultureInvariant);

    public static Condition? LoadCondition(NodeReader ctx, YamlNode node, string where)
    {
        var map = ctx.Mapping(node, where);
        if (map is null)
        {
            return null;
        }

        if (map.Children.Count == 0)
        {
            ctx.Error(node, $"{where} is empty: expected at least one of {string.Join(", ", ConditionKeys)}");
            return null;
        }

        ctx.CheckKeys(map, ConditionKeys, where);
        var condition = new Condition(where, NodeReader.Line(node));
        foreach (var (k, v) in map.Children)
        {
            string key = ((YamlScalarNode)k).Value ?? "";
            string at = where + "." + key;
            switch (key)
            {
                case "labels":
                    condition = condition with { Labels = NonEmpty(ctx, v, at, LoadNames(ctx, v, at)) };
                    break;
                case "title":
                    if (ctx.Scalar(v, at) is { } pattern)
                    {
                        if (pattern.Length == 0)
                        {
                            ctx.Error(v, $"{at} is empty: an empty pattern matches every title");
                            break;
                        }

                        try
                        {
                            condition = condition with { Title = new Regex(pattern, RegexOptions.CultureInvariant, PolicyDefaults.RegexTimeout) };
                        }
                        catch (ArgumentException e)
                        {
                            ctx.Error(v, $"{at} is not a valid regular expression: {e.Message}");
                        }
                    }

                    break;
                case "branches":
                    condition = condition with { Branches = NonEmpty(ctx, v, at, LoadGlobs(ctx, v, at, branch: true)) };
                    break;
                case "paths":
                    condition = condition with { Paths = NonEmpty(ctx, v, at, LoadGlobs(ctx, v, at, branch: false)) };
                    break;
                case "trailers":
                    var keys = new List<string>();
                    foreach (var (name, itemNode) in ctx.StringList(v, at))
                    {
                        if (TrailerKeyName.IsMatch(name.Trim()))
                        {
                            keys.Add(name.Trim());
                        }
                        else
                        {
                            ctx.Error(itemNode, $"{at} '{name}': expected a trailer key such as INC (letters, digits and '-', without the ':')");
                        }
                    }

                    condition = condition with { Trailers = NonEmpty(ctx, v, at, keys) };
                    break;
            }
        }

        return condition;
    }

    public static Condition? LoadRequiredWhen(NodeReader ctx, YamlNode node, string where)
    {
        var map = (YamlMappingNode)node;
        ctx.CheckKeys(map, ["when"], where);
        var when = map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: "when" }).Value;
        if (when is null)
        {
            // An unknown key (whn:) is already reported with a suggestion.
            if (map.Children.Count == 0)
            {
                ctx.Error(node, $"{where} must be true, false or a condition: {{ when: {{ paths: [...], labels: [...] }} }}");
            }

            return null;
        }

        return LoadCondition(ctx, when, where + ".when");
    }

    public static List<string> LoadNames(NodeReader ctx, YamlNode node, string where)
    {
        var names = new List<string>();
        foreach (var (name, itemNode) in ctx.StringList(node, where))
        {
            if (name.Trim().Length == 0)
            {
                ctx.Error(itemNode, $"{where} holds an empty name");
            }
            else
            {
                names.Add(name.Trim());
            }
        }

        return names;
    }

    private static List<string> LoadGlobs(NodeReader ctx, YamlNode node, string where, bool branch)
    {
        var globs = new List<string>();
        foreach (var (glob, itemNode) in ctx.StringList(node, where))
        {
            string? problem = branch && glob.StartsWith("refs/", StringComparison.Ordinal)
                ? $"branches are matched by their short name: write '{Regex.Replace(glob, "^refs/(heads/)?", "")}'"
                : GlobRules.Check(glob);
            if (problem is not null)
            {
                // A changed path or a branch name is never absolute and never climbs out: such a glob cannot match.
                ctx.Error(itemNode, $"{where} '{glob}' can never match: {problem}");
            }
            else
            {
                globs.Add(glob.Replace('\\', '/'));
            }
        }

        return globs;
    }

    public static List<LabelPattern> LoadLabelPatterns(NodeReader ctx, YamlNode node, string where)
    {
        var patterns = new List<LabelPattern>();
        foreach (var (text, itemNode) in ctx.StringList(node, where))
        {
            if (LabelPattern.Create(text, out var problem) is { } pattern)
            {
                patterns.Add(pattern);
            }
            else
            {
                ctx.Error(itemNode, $"{where} '{text}': {problem}");
            }
        }

        return patterns;
    }

    private static List<string> NonEmpty(NodeReader ctx, YamlNode node, string where, List<string> items)
    {
        if (items.Count == 0 && node is YamlSequenceNode { Children.Count: 0 })
        {
            ctx.Error(node, $"{where} is an empty list: it can never hold; remove the key or name at least one");
        }

        return items;
    }

    /// <summary>Label patterns and the <c>labels</c> source go together: either one alone reads nothing.</summary>
    public static void CheckLabelSources(NodeReader ctx, EvidencePolicy evidence, int sourcesLine)
    {
        bool labelsSource = evidence.Sources.Contains(EvidenceSourceKind.Labels);
        // With errors already (a bad pattern was dropped), "no field has patterns" would only repeat them.
        if (labelsSource && !evidence.Fields.Any(f => f.Labels.Count > 0) && ctx.Errors.Count == 0)
        {
            ctx.ErrorAt(sourcesLine, "evidence.sources names labels, but no field says which labels carry it: "
                + "add e.g. incident: { labels: ['incident:{value}'] } under evidence.fields");
        }

        foreach (var field in evidence.Fields.Where(f => f.Labels.Count > 0 && !labelsSource))
        {
            ctx.ErrorAt(field.Line, $"evidence.fields.{field.Name}.labels is never read: add labels to evidence.sources, "
                + "e.g. sources: [pr-body, commit-trailers, labels]");
        }
    }
}
