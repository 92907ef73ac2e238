using TraceGate.Core.PolicyFile;
using TraceGate.Core.Rules;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Policy;

public sealed record PolicyLoadResult(GatePolicy? Policy, IReadOnlyList<PolicyError> Errors);

/// <summary>
/// Loads <c>.tracegate.yml</c>. Every error names the file, the line and the key path
/// (<c>.tracegate.yml:7: unknown key 'requred' in evidence.fields.incident</c>); a policy with errors is never
/// half-applied. Pure: the host reads the file and passes its text. <see cref="YamlSafety"/> makes the tree,
/// <see cref="NodeReader"/> reads its nodes, and each top-level section has its loader.
/// </summary>
public static class PolicyLoader
{
    private static readonly string[] TopKeys = ["version", "evidence", "tests", "traces", "proof"];

    public static PolicyLoadResult Load(string path, string text)
    {
        var ctx = new NodeReader(path);
        var root = YamlSafety.Read(text, ctx, out var refused);
        if (refused is not null)
        {
            return new PolicyLoadResult(null, [refused]);
        }

        if (root is null || root is YamlScalarNode { Value: null or "" })
        {
            return new PolicyLoadResult(null, [new PolicyError(path, 1, "the policy is empty: expected a mapping with 'evidence' or 'tests'")]);
        }

        var defaults = PolicyDefaults.Create();
        var evidence = defaults.Evidence;
        var tests = defaults.Tests;
        var traces = TracesPolicy.None;
        var proof = ProofPolicy.None;
        if (ctx.Mapping(root, "the policy") is { } top)
        {
            ctx.CheckKeys(top, TopKeys, "");
            foreach (var (key, value) in top.Children)
            {
                switch (((YamlScalarNode)key).Value)
                {
                    case "version":
                        if (ctx.Scalar(value, "version") is { } v && v != "1")
                        {
                            ctx.Error(value, $"version {v} is not supported: expected 1");
                        }

                        break;
                    case "evidence":
                        evidence = EvidenceSection.Load(ctx, value, evidence);
                        break;
                    case "tests":
                        tests = TestsSection.Load(ctx, value);
                        break;
                    case "traces":
                        traces = TracesSection.Load(ctx, value, path);
                        break;
                    case "proof":
                        proof = ProofSection.Load(ctx, value);
                        break;
                }
            }
        }

        return ctx.Errors.Count > 0
            ? new PolicyLoadResult(null, ctx.Errors)
            : new PolicyLoadResult(new GatePolicy(path, evidence, tests) { Traces = traces, Proof = proof }, []);
    }
}
