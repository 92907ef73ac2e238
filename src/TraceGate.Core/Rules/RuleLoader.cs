using TraceGate.Core.Model;
using TraceGate.Core.PolicyFile;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary>
/// One entry of <c>traces.rules</c>: its <c>id</c>, its <c>select</c>or and <c>min-samples</c>; every other key
/// belongs to an <see cref="AssertionKind"/>, which reads its own value.
/// </summary>
public static class RuleLoader
{
    private static readonly string[] RuleKeys = ["id", "select", .. AssertionKinds.All.Select(k => k.Key), "min-samples", "proves"];

    /// <summary>Rule ids that would take the check id of <c>proof.repro</c> or <c>proof.incident</c> (a proving rule's
    /// check is <c>proof.&lt;id&gt;</c>).</summary>
    public static readonly IReadOnlyList<string> ReservedIds = ["repro", "incident"];

    public static TraceRule? Load(NodeReader ctx, YamlNode node, int index)
    {
        string where = $"traces.rules[{index}]";
        var map = ctx.Mapping(node, where);
        if (map is null)
        {
            return null;
        }

        ctx.CheckKeys(map, RuleKeys, where);
        string id = $"rules[{index}]";
        Selector? selector = null;
        var rule = new TraceRule(id, NodeReader.Line(node), new Selector("", []));
        bool hasSelect = false;
        foreach (var (k, v) in map.Children)
        {
            string key = ((YamlScalarNode)k).Value ?? "";
            string at = where + "." + key;
            switch (key)
            {
                case "id":
                    if (ctx.Scalar(v, at) is { } given)
                    {
                        if (ReservedIds.Contains(given))
                        {
                            ctx.Error(v, $"{at} '{given}': the id is reserved (proof.{given} is the {(given == "repro" ? "repro's" : "incident's")} check, and proof.<id> the check of a proves: true rule): choose another");
                        }
                        else if (PolicyIds.IsRuleId(given))
                        {
                            id = given;
                        }
                        else
                        {
                            ctx.Error(v, $"{at} '{given}': expected lowercase letters, digits, '.', '_' and '-'");
                        }
                    }

                    break;
                case "select":
                    hasSelect = true;
                    if (ctx.Scalar(v, at) is { } text)
                    {
                        selector = SelectorParser.Parse(text, out var error);
                        if (selector is null)
                        {
                            ctx.Error(v, $"{at}: {error}");
                        }
                    }

                    break;
                case "min-samples":
                    if (ctx.PositiveInt(v, at) is { } n)
                    {
                        rule = rule with { MinSamples = n };
                    }

                    break;
                case "proves":
                    if (ctx.Bool(v, at) is { } proves)
                    {
                        rule = rule with { Proves = proves };
                    }

                    break;
                default:
                    if (AssertionKinds.Find(key) is { } kind)
                    {
                        rule = kind.Read(ctx, v, at, rule);
                    }

                    break;
            }
        }

        if (!hasSelect)
        {
            ctx.Error(node, $"{where} has no 'select': expected a selector such as span[name=\"apply\"]");
            return null;
        }

        return selector is null ? null : rule with { Id = id, Selector = selector };
    }
}
