using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.PolicyFile;

/// <summary>
/// Reads the policy's YAML nodes and collects every error at once, each with the file and line of its node: a
/// mapping, a single value, a yes/no, a whole number, a list (one value reads as a list of one), and the keys a
/// mapping may hold, with a "did you mean" for a near miss.
/// </summary>
public sealed class NodeReader(string path)
{
    public string Path { get; } = path;

    public List<PolicyError> Errors { get; } = [];

    /// <summary>The 1-based line a node starts on.</summary>
    public static int Line(YamlNode node) => (int)Math.Max(1, node.Start.Line);

    public void Error(YamlNode node, string message) => Errors.Add(new PolicyError(Path, Line(node), message));

    public void ErrorAt(int line, string message) => Errors.Add(new PolicyError(Path, line, message));

    public YamlMappingNode? Mapping(YamlNode node, string where)
    {
        if (node is YamlMappingNode map)
        {
            foreach (var key in map.Children.Keys)
            {
                if (key is not YamlScalarNode)
                {
                    Error(key, $"a key in {where} is not a plain name");
                    return null;
                }
            }

            return map;
        }

        Error(node, $"{where} must be a mapping (key: value lines), found {Describe(node)}");
        return null;
    }

    public string? Scalar(YamlNode node, string where)
    {
        if (node is YamlScalarNode scalar && scalar.Value is not null)
        {
            return scalar.Value;
        }

        Error(node, $"{where} must be a single value, found {Describe(node)}");
        return null;
    }

    public bool? Bool(YamlNode node, string where)
    {
        switch (Scalar(node, where))
        {
            case "true" or "True" or "TRUE" or "yes": return true;
            case "false" or "False" or "FALSE" or "no": return false;
            case null: return null;
            case { } other:
                Error(node, $"{where} is '{other}': expected true or false");
                return null;
        }
    }

    public int? PositiveInt(YamlNode node, string where)
    {
        if (Scalar(node, where) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0)
        {
            return n;
        }

        Error(node, $"{where} is '{text}': expected a whole number above 0");
        return null;
    }

    public List<(string Value, YamlNode Node)> StringList(YamlNode node, string where)
    {
        var list = new List<(string, YamlNode)>();
        if (node is YamlScalarNode { Value: { } single })
        {
            list.Add((single, node));
            return list;
        }

        if (node is not YamlSequenceNode seq)
        {
            Error(node, $"{where} must be a list, found {Describe(node)}");
            return list;
        }

        foreach (var item in seq.Children)
        {
            if (Scalar(item, where + "[]") is { } s)
            {
                list.Add((s, item));
            }
        }

        return list;
    }

    /// <summary>A list of globs under <paramref name="key"/>; a glob that can never match a path in the checkout is an error.</summary>
    public List<string> Globs(YamlNode node, string key)
    {
        var globs = new List<string>();
        foreach (var (glob, globNode) in StringList(node, key))
        {
            if (GlobRules.Check(glob) is { } problem)
            {
                Error(globNode, $"{key} '{glob}': {problem}");
            }
            else
            {
                globs.Add(glob);
            }
        }

        return globs;
    }

    public void CheckKeys(YamlMappingNode map, string[] allowed, string where)
    {
        foreach (var key in map.Children.Keys.Cast<YamlScalarNode>())
        {
            var name = key.Value ?? "";
            if (allowed.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            string place = where.Length == 0 ? "at the top level" : "in " + where;
            string? guess = Suggestions.Suggest(name, allowed);
            Error(key, $"unknown key '{name}' {place}" + (guess is null
                ? $": expected one of {string.Join(", ", allowed)}"
                : $": did you mean '{guess}'?"));
        }
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Value: null or "" } => "nothing",
        YamlScalarNode s => $"'{s.Value}'",
        _ => "something else",
    };
}
