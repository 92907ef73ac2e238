using System.Text.RegularExpressions;
using FluentAssertions;
using TraceGate.Core.Rules;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Architecture;

/// <summary>
/// No cycles between the folders of TraceGate.Core (STYLE.md: a stage only knows the stages to its left). The graph
/// comes from the compiled assembly, method bodies included, so a call hidden in a lambda counts as much as a field.
/// </summary>
public sealed class FolderCycleTests
{
    private const string CoreRoot = "TraceGate.Core";
    private static readonly System.Reflection.Assembly Core = typeof(RuleEngine).Assembly;

    [Fact]
    public void CoreFolders_HaveNoDependencyCycle()
    {
        var graph = NamespaceGraph.Of(Core, CoreRoot);
        var cycles = NamespaceGraph.Cycles(graph);
        cycles.Should().BeEmpty(because: "folders of TraceGate.Core must not depend on each other in a cycle; "
            + string.Join("\n", cycles.Select(c => string.Join(" ⇄ ", c) + ":\n  " + string.Join("\n  ", NamespaceGraph.Explain(Core, CoreRoot, c)))));
    }

    [Fact]
    public void CoreGraph_SeesTheDependenciesThePipelineHas()
    {
        // Without these the cycle test could pass on a graph that sees nothing.
        var graph = NamespaceGraph.Of(Core, CoreRoot);
        graph.Keys.Should().Contain(["Model", "Evidence", "Traces", "Otlp", "TraceFormats", "Rules", "Policy", "PolicyFile", "Gates", "Rendering", "TestResults"]);
        graph["Rules"].Should().Contain(["Traces", "Model", "PolicyFile"]);
        graph["Policy"].Should().Contain(["Rules", "PolicyFile"]);
        graph["Gates"].Should().Contain(["Rules", "Evidence", "Policy", "Model"]);
        graph["Otlp"].Should().Contain("Traces");
        graph["Rendering"].Should().Contain("Model");
        graph["Model"].Should().BeEmpty("the records depend on no stage");
    }

    [Fact]
    public void Cycles_InASmallGraph_AreFoundAndNamed()
    {
        var graph = new Dictionary<string, SortedSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A", "D"],
            ["D"] = [],
            ["E"] = ["F"],
            ["F"] = ["E"],
            ["G"] = ["A", "E"],
        };
        NamespaceGraph.Cycles(graph).Should().BeEquivalentTo([new[] { "A", "B", "C" }, ["E", "F"]]);
        NamespaceGraph.Cycles(new Dictionary<string, SortedSet<string>> { ["A"] = ["B"], ["B"] = [], ["C"] = ["A", "B"] }).Should().BeEmpty();
    }

    [Fact]
    public void Graph_OfCompiledCodeWithACycle_FindsIt()
    {
        // The two sample folders below use each other only inside method bodies and a field: the kind of reference an
        // analysis of signatures alone would miss.
        var graph = NamespaceGraph.Of(typeof(FolderCycleTests).Assembly, "TraceGate.Tests.Architecture.CycleSample");
        graph["Left"].Should().Contain("Right");
        graph["Right"].Should().Contain("Left");
        graph["Acyclic"].Should().Contain("Left");
        NamespaceGraph.Cycles(graph).Should().BeEquivalentTo([new[] { "Left", "Right" }]);
        NamespaceGraph.Explain(typeof(FolderCycleTests).Assembly, "TraceGate.Tests.Architecture.CycleSample", ["Left", "Right"])
            .Should().Contain("TraceGate.Tests.Architecture.CycleSample.Right.Righty uses TraceGate.Tests.Architecture.CycleSample.Left.Lefty");
    }

    [Fact]
    public void CoreFolders_UseOnlyTheFoldersTheReadmeLayoutListsAboveThem()
    {
        var readme = File.ReadAllLines(Path.Combine(Repo.Root, "README.md"));
        int start = Array.FindIndex(readme, l => l.StartsWith("src/TraceGate.Core/ ", StringComparison.Ordinal));
        start.Should().BeGreaterThan(0, "the README's layout section starts with src/TraceGate.Core/");
        var order = readme.Skip(start + 1).TakeWhile(l => !l.StartsWith("src/", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, "^  ([A-Za-z]+)/ ")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        var graph = NamespaceGraph.Of(Core, CoreRoot);
        order.Should().BeEquivalentTo(graph.Keys, "the README's layout lists every folder of TraceGate.Core, once");
        foreach (var (from, uses) in graph)
        {
            foreach (var to in uses)
            {
                order.IndexOf(to).Should().BeLessThan(order.IndexOf(from), $"{from} uses {to}, so the README's layout lists {to} above {from}");
            }
        }
    }
}
