using TraceGate.Core.PolicyFile;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Policy;

/// <summary>The <c>proof</c> section: the test reports of the run on the base commit.</summary>
internal static class ProofSection
{
    private static readonly string[] ProofKeys = ["tests"];

    public static ProofPolicy Load(NodeReader ctx, YamlNode node)
    {
        var map = ctx.Mapping(node, "proof");
        if (map is null)
        {
            return ProofPolicy.None;
        }

        ctx.CheckKeys(map, ProofKeys, "proof");
        var tests = new List<string>();
        foreach (var (k, v) in map.Children)
        {
            if (((YamlScalarNode)k).Value == "tests")
            {
                tests.AddRange(ctx.Globs(v, "proof.tests"));
            }
        }

        return new ProofPolicy(tests);
    }
}
