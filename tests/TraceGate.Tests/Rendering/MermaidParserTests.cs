using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Rendering;

/// <summary>
/// The diagrams TraceGate draws where Mermaid renders (the proof's gantt, a budget's xychart) go through Mermaid's own
/// parser (tests/mock-servers/mermaid-parse.mjs, the npm package GitHub's renderer is built on), golden and hostile
/// alike: a diagram Mermaid cannot parse shows as an error box in the step summary, and one that an untrusted name
/// could bend would parse as something else. A broken block is the control: it must be refused, so agreement means
/// something.
/// </summary>
public sealed class MermaidParserTests
{
    private static readonly string[] Hostile =
    [
        "x\" \n```\n%%{init: {'theme':'dark'}}%%",
        "<img src=x onerror=alert(1)>",
        "a\"]\n    click a call evil()",
        "section x #quot; @octocat ##vso[task.complete result=Succeeded;]",
        "title :milestone, 0, 1",
        "",
    ];

    [Fact]
    public void DrawnDiagrams_GoldenAndWithHostileNames_ParseWithMermaid_AndABrokenOneDoesNot()
    {
        using var dir = new TempDir();
        var files = Directory.GetFiles(Path.Combine(Repo.Root, "tests", "TraceGate.Tests", "Cli", "Cases"), "step-summary.md", SearchOption.AllDirectories).Order().ToList();
        for (int i = 0; i < Hostile.Length; i++)
        {
            files.Add(dir.Write($"hostile-{i}.md", MarkdownReport.Render(HostileReport(Hostile[i]), 1_000_000, mermaid: true)));
        }

        string control = dir.Write("control.md", "```mermaid\nxychart-beta\n    title \"a\" b\"\n    bar [1]\n```\n");

        var results = Parse([.. files, control]);

        results.Where(r => r.File != control).Should().OnlyContain(r => r.Ok, string.Join("\n", results.Where(r => !r.Ok).Select(r => $"{r.File}: {r.Error}")));
        results.Where(r => r.File.Contains("hostile-", StringComparison.Ordinal)).Select(r => r.Type)
            .Should().Equal(Hostile.SelectMany(_ => new[] { "gantt", "xychart" }), "each hostile report draws one gantt and one chart, read as such");
        results.Where(r => r.Type == "xychart" && !r.File.Contains("hostile-", StringComparison.Ordinal)).Should().NotBeEmpty("the slow case's failing p95 budget is drawn");
        results.Should().ContainSingle(r => r.File == control).Which.Ok.Should().BeFalse("Mermaid refuses a title that a stray quote closed");
    }

    /// <summary>A failing proving rule and a failing baseline budget, every name the hostile text.</summary>
    private static Report HostileReport(string name)
    {
        const string trace = "0123456789abcdef0123456789abcdef", span = "0123456789abcdef";
        var side = new RuleSide(false, 1, 1, []) { Timeline = [new TimelineSpan(trace, span, name, 0, 10, [new TimelineEvent(name, 5)])] };
        var picture = new QuantileComparison("p95", 30, 30, [new QuantilePoint(50, 1_000_000, 2_000_000), new QuantilePoint(95, 1_500_000, 3_000_000)]);
        var check = new Check("traces." + name, Outcome.Fail, name) { Quantiles = [picture] };
        return new Report(Conclusion.Failure, [check], new Dictionary<string, EvidenceValue>(), [], [])
        {
            Proof = new ProofSummary(null, null) { Rules = [new RuleProof(name, Outcome.Fail, side, side)] },
        };
    }

    private sealed record Parsed(string File, bool Ok, string? Type, string? Error);

    private static List<Parsed> Parse(IReadOnlyList<string> files)
    {
        string servers = Path.Combine(Repo.Root, "tests", "mock-servers");
        Directory.Exists(Path.Combine(servers, "node_modules", "mermaid")).Should().BeTrue("./build.sh test installs Mermaid (npm ci in tests/mock-servers)");
        var psi = new ProcessStartInfo("node", ["mermaid-parse.mjs", .. files]) { WorkingDirectory = servers, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit(TimeSpan.FromMinutes(2)).Should().BeTrue("the parser finishes");
        p.ExitCode.Should().Be(0, stderr.Result);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var o = JsonNode.Parse(line)!;
            return new Parsed(o["file"]!.GetValue<string>(), o["ok"]!.GetValue<bool>(), o["type"]?.GetValue<string>(), o["error"]?.GetValue<string>());
        }).ToList();
    }
}
