using TraceGate.Core.PolicyFile;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary>The <c>traces</c> section: the trace files, the baseline, the redaction detectors and the rules.</summary>
public static class TracesSection
{
    private static readonly string[] TracesKeys = ["files", "baseline", "rules", "redaction", "min-samples"];

    public static TracesPolicy Load(NodeReader ctx, YamlNode node, string path)
    {
        var map = ctx.Mapping(node, "traces");
        if (map is null)
        {
            return TracesPolicy.None;
        }

        ctx.CheckKeys(map, TracesKeys, "traces");
        var files = new List<string>();
        var baseline = new List<string>();
        var rules = new List<TraceRule>();
        var forbid = new List<string>();
        int minSamples = 20;
        foreach (var (k, v) in map.Children)
        {
            switch (((YamlScalarNode)k).Value)
            {
                case "files" or "baseline":
                    string key = ((YamlScalarNode)k).Value!;
                    foreach (var (glob, globNode) in ctx.StringList(v, "traces." + key))
                    {
                        if (GlobRules.Check(glob) is { } problem)
                        {
                            ctx.Error(globNode, $"traces.{key} '{glob}': {problem}");
                        }
                        else
                        {
                            (key == "files" ? files : baseline).Add(glob);
                        }
                    }

                    break;
                case "min-samples":
                    minSamples = ctx.PositiveInt(v, "traces.min-samples") ?? minSamples;
                    break;
                case "redaction":
                    if (ctx.Mapping(v, "traces.redaction") is { } red)
                    {
                        ctx.CheckKeys(red, ["forbid"], "traces.redaction");
                        foreach (var (rk, rv) in red.Children)
                        {
                            foreach (var (kind, kindNode) in ctx.StringList(rv, "traces.redaction.forbid"))
                            {
                                if (Redaction.Known.Contains(kind))
                                {
                                    forbid.Add(kind);
                                }
                                else
                                {
                                    ctx.Error(kindNode, $"unknown detector '{kind}' in traces.redaction.forbid: expected {string.Join(", ", Redaction.Known)}");
                                }
                            }
                        }
                    }

                    break;
                case "rules":
                    if (v is not YamlSequenceNode seq)
                    {
                        ctx.Error(v, "traces.rules must be a list of rules (- select: ...)");
                        break;
                    }

                    int ancestorSteps = 0;
                    for (int i = 0; i < seq.Children.Count; i++)
                    {
                        if (RuleLoader.Load(ctx, seq.Children[i], i) is { } rule)
                        {
                            if (rules.Any(r => r.Id == rule.Id))
                            {
                                ctx.Error(seq.Children[i], $"traces.rules[{i}]: the id '{rule.Id}' is used by another rule");
                            }

                            // The rule engine keeps one bit per ancestor step and span (RuleEngine._stepBits).
                            int before = ancestorSteps;
                            ancestorSteps += rule.Selector.Steps.Count - 1;
                            if (before <= MaxAncestorSteps && ancestorSteps > MaxAncestorSteps)
                            {
                                var select = ((YamlMappingNode)seq.Children[i]).Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "select" }).Value;
                                ctx.Error(select ?? seq.Children[i], $"traces.rules[{i}].select: brings the ancestor steps of all selectors to {ancestorSteps}: "
                                    + $"at most {MaxAncestorSteps} together (every step but the last of each selector)");
                            }

                            rules.Add(rule);
                        }
                    }

                    break;
            }
        }

        return new TracesPolicy(files, baseline, rules) { RedactionForbid = forbid.Distinct().ToList(), MinSamples = minSamples, PolicyPath = path };
    }

    /// <summary>Ancestor steps (every step of a selector but its last) of all rules together.</summary>
    public const int MaxAncestorSteps = 64;
}
