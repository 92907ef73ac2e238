using TraceGate.Core.PolicyFile;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Policy;

/// <summary>The <c>proof</c> section: the test reports of the run on the base commit.</summary>
internal static class ProofSection
{
    private static readonly string[] ProofKeys = ["tests", "incident-traces"];

    public static ProofPolicy Load(NodeReader ctx, YamlNode node)
    {
        var map = ctx.Mapping(node, "proof");
        if (map is null)
        {
            return ProofPolicy.None;
        }

        ctx.CheckKeys(map, ProofKeys, "proof");
        var tests = new List<string>();
        IReadOnlyList<string> incidentTraces = ProofPolicy.DefaultIncidentTraces;
        foreach (var (k, v) in map.Children)
        {
            if (((YamlScalarNode)k).Value == "tests")
            {
                tests.AddRange(ctx.Globs(v, "proof.tests"));
            }
            else if (((YamlScalarNode)k).Value == "incident-traces")
            {
                // Checked with the placeholders filled by a plain value: the globs stay inside the checkout.
                var globs = new List<string>();
                foreach (var (glob, globNode) in ctx.StringList(v, "proof.incident-traces"))
                {
                    if (GlobRules.Check(glob.Replace("{incident}", "INC-1", StringComparison.Ordinal).Replace("{traceId}", "0123456789abcdef0123456789abcdef", StringComparison.Ordinal)) is { } problem)
                    {
                        ctx.Error(globNode, $"proof.incident-traces '{glob}': {problem}");
                    }
                    else
                    {
                        globs.Add(glob);
                    }
                }

                incidentTraces = globs;
            }
        }

        return new ProofPolicy(tests) { IncidentTraces = incidentTraces };
    }
}
