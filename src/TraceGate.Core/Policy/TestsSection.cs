using TraceGate.Core.PolicyFile;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Policy;

/// <summary>The <c>tests</c> section: the test reports, the baseline reports and what a flaky repro means.</summary>
internal static class TestsSection
{
    private static readonly string[] TestsKeys = ["results", "baseline", "flaky"];

    public static TestsPolicy Load(NodeReader ctx, YamlNode node)
    {
        var map = ctx.Mapping(node, "tests");
        if (map is null)
        {
            return new TestsPolicy([]);
        }

        ctx.CheckKeys(map, TestsKeys, "tests");
        var results = new List<string>();
        var baseline = new List<string>();
        var flaky = FlakyMode.Fail;
        foreach (var (k, v) in map.Children)
        {
            switch (((YamlScalarNode)k).Value)
            {
                case "results":
                    results.AddRange(ctx.Globs(v, "tests.results"));
                    break;
                case "baseline":
                    baseline.AddRange(ctx.Globs(v, "tests.baseline"));
                    break;
                case "flaky":
                    switch (ctx.Scalar(v, "tests.flaky"))
                    {
                        case "fail": flaky = FlakyMode.Fail; break;
                        case "warn": flaky = FlakyMode.Warn; break;
                        case "pass": flaky = FlakyMode.Pass; break;
                        case { } other: ctx.Error(v, $"tests.flaky is '{other}': expected fail, warn or pass"); break;
                    }

                    break;
            }
        }

        return new TestsPolicy(results) { Baseline = baseline, Flaky = flaky };
    }
}
