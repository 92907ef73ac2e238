using TraceGate.Core.Model;
using System.Text.RegularExpressions;
using TraceGate.Core.PolicyFile;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Policy;

/// <summary>The <c>evidence</c> section: where evidence is read from, the checklist, the fields and the scope keys.</summary>
internal static class EvidenceSection
{
    private static readonly string[] EvidenceKeys = ["sources", "checklist", "fields", "when", "skip-authors", "skip-labels"];
    private static readonly string[] FieldKeys = ["required", "aliases", "pattern", "key-pattern", "kind", "link", "must-agree", "description", "labels"];

    public static EvidencePolicy Load(NodeReader ctx, YamlNode node, EvidencePolicy defaults)
    {
        var map = ctx.Mapping(node, "evidence");
        if (map is null)
        {
            return defaults;
        }

        ctx.CheckKeys(map, EvidenceKeys, "evidence");
        var result = defaults;
        int sourcesLine = NodeReader.Line(map);
        foreach (var (key, value) in map.Children)
        {
            switch (((YamlScalarNode)key).Value)
            {
                case "sources":
                    var sources = new List<EvidenceSourceKind>();
                    foreach (var (item, itemNode) in ctx.StringList(value, "evidence.sources"))
                    {
                        switch (item)
                        {
                            case "pr-body": sources.Add(EvidenceSourceKind.PrBody); break;
                            case "commit-trailers": sources.Add(EvidenceSourceKind.CommitTrailers); break;
                            case "labels": sources.Add(EvidenceSourceKind.Labels); break;
                            default: ctx.Error(itemNode, $"unknown source '{item}' in evidence.sources: expected pr-body, commit-trailers or labels"); break;
                        }
                    }

                    result = result with { Sources = sources.Distinct().ToList() };
                    sourcesLine = NodeReader.Line(value);
                    break;
                case "checklist":
                    switch (ctx.Scalar(value, "evidence.checklist"))
                    {
                        case "all-checked": result = result with { Checklist = ChecklistMode.AllChecked }; break;
                        case "ignore": result = result with { Checklist = ChecklistMode.Ignore }; break;
                        case { } other: ctx.Error(value, $"evidence.checklist is '{other}': expected all-checked or ignore"); break;
                    }

                    break;
                case "fields":
                    result = result with { Fields = LoadFields(ctx, value) };
                    break;
                case "when":
                    result = result with { Scope = result.Scope with { When = ConditionSection.LoadCondition(ctx, value, "evidence.when") } };
                    break;
                case "skip-authors":
                    result = result with { Scope = result.Scope with { SkipAuthors = ConditionSection.LoadNames(ctx, value, "evidence.skip-authors") } };
                    break;
                case "skip-labels":
                    result = result with { Scope = result.Scope with { SkipLabels = ConditionSection.LoadNames(ctx, value, "evidence.skip-labels") } };
                    break;
            }
        }

        ConditionSection.CheckLabelSources(ctx, result, sourcesLine);
        return result;
    }

    private static List<FieldPolicy> LoadFields(NodeReader ctx, YamlNode node)
    {
        var fields = new List<FieldPolicy>();
        var map = ctx.Mapping(node, "evidence.fields");
        if (map is null)
        {
            return fields;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            string name = ((YamlScalarNode)keyNode).Value ?? "";
            string where = "evidence.fields." + name;
            if (!PolicyIds.IsFieldName(name))
            {
                ctx.Error(keyNode, $"field name '{name}' in evidence.fields: expected lowercase letters, digits and '-', starting with a letter");
                continue;
            }

            var field = PolicyDefaults.Field(name, required: true) with { Line = NodeReader.Line(keyNode) };
            bool agreeSet = false;
            var body = value is YamlScalarNode { Value: null or "" } ? new YamlMappingNode() : ctx.Mapping(value, where);
            if (body is null)
            {
                continue;
            }

            ctx.CheckKeys(body, FieldKeys, where);
            foreach (var (k, v) in body.Children)
            {
                string key = ((YamlScalarNode)k).Value ?? "";
                switch (key)
                {
                    case "required":
                        if (v is YamlMappingNode)
                        {
                            // required: { when: ... }: required only on pull requests the condition picks out.
                            field = field with { Required = true, RequiredWhen = ConditionSection.LoadRequiredWhen(ctx, v, where + ".required") };
                        }
                        else if (ctx.Bool(v, where + ".required") is { } required)
                        {
                            field = field with { Required = required };
                        }

                        break;
                    case "labels":
                        field = field with { Labels = ConditionSection.LoadLabelPatterns(ctx, v, where + ".labels") };
                        break;
                    case "must-agree":
                        if (ctx.Bool(v, where + ".must-agree") is { } agree)
                        {
                            field = field with { MustAgree = agree };
                            agreeSet = true;
                        }

                        break;
                    case "aliases":
                        var aliases = ctx.StringList(v, where + ".aliases").Select(a => a.Value).Where(a => a.Trim().Length > 0);
                        // A known field's built-in labels come first; a new field's own labels come before its name,
                        // so that reports call it what the template calls it ("Summary of Change", not "summary-of-change").
                        field = field with
                        {
                            Aliases = (PolicyDefaults.KnownFields.ContainsKey(name) ? field.Aliases.Concat(aliases) : aliases.Concat(field.Aliases))
                                .Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                        };
                        break;
                    case "pattern":
                        if (v is YamlScalarNode { Value: "" })
                        {
                            // pattern: '' removes a known field's built-in pattern.
                            field = field with { Pattern = null };
                        }
                        else if (ctx.Scalar(v, where + ".pattern") is { } pattern)
                        {
                            try
                            {
                                field = field with { Pattern = new Regex(pattern, RegexOptions.CultureInvariant, PolicyDefaults.RegexTimeout) };
                            }
                            catch (ArgumentException e)
                            {
                                ctx.Error(v, $"{where}.pattern is not a valid regular expression: {e.Message}");
                            }
                        }

                        break;
                    case "key-pattern":
                        if (ctx.Scalar(v, where + ".key-pattern") is { } keyPattern)
                        {
                            try
                            {
                                field = field with { KeyPattern = new Regex(keyPattern, RegexOptions.CultureInvariant, PolicyDefaults.RegexTimeout) };
                            }
                            catch (ArgumentException e)
                            {
                                ctx.Error(v, $"{where}.key-pattern is not a valid regular expression: {e.Message}");
                            }
                        }

                        break;
                    case "kind":
                        switch (ctx.Scalar(v, where + ".kind"))
                        {
                            case "text": field = field with { Kind = FieldKind.Text }; break;
                            case "trace-id": field = field with { Kind = FieldKind.TraceId }; break;
                            case "test-ref": field = field with { Kind = FieldKind.TestRef }; break;
                            case { } other: ctx.Error(v, $"{where}.kind is '{other}': expected text, trace-id or test-ref"); break;
                        }

                        break;
                    case "link":
                        if (ctx.Scalar(v, where + ".link") is { } link)
                        {
                            if (!link.Contains("{value}", StringComparison.Ordinal)
                                || !(link.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
                            {
                                ctx.Error(v, $"{where}.link must be an http(s) URL containing {{value}}, e.g. 'https://tickets.example/browse/{{value}}'");
                            }
                            else
                            {
                                field = field with { Link = link };
                            }
                        }

                        break;
                    case "description":
                        ctx.Scalar(v, where + ".description");
                        break;
                }
            }

            if (!agreeSet)
            {
                field = field with { MustAgree = field.Kind != FieldKind.Text || field.Pattern is not null };
            }

            fields.Add(field);
        }

        return fields;
    }
}
