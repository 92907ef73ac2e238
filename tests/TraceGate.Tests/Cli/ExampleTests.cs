using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>The README's main command on the bundled example, and the same example broken on purpose.</summary>
public sealed class ExampleTests
{
    private static string[] ExampleArgs(string ws, params string[] extra) =>
        new[] { "check", "--workspace", ws, "--pr-body", Path.Combine(ws, "pr-body.md"), "--commits", Path.Combine(ws, "commits.nul") }.Concat(extra).ToArray();

    private static TempDir CopyOfExample()
    {
        var dir = new TempDir();
        foreach (var file in Directory.EnumerateFiles(Repo.Example, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir.Path, Path.GetRelativePath(Repo.Example, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return dir;
    }

    [Fact]
    public void Check_PaymentsExample_Passes()
    {
        using var out_ = new TempDir();
        var r = CliHarness.Run(Repo.Root, ExampleArgs(Repo.Example, "--report-json", out_.File("r.json"), "--summary-md", out_.File("s.md")));
        r.Error.Should().BeEmpty();
        r.ExitCode.Should().Be(0, r.Out);
        r.Out.Should().StartWith("TraceGate PASSED");
        File.ReadAllText(out_.File("r.json")).Should().Contain("\"conclusion\": \"success\"");
    }

    [Fact]
    public void Check_PaymentsExampleWithoutRollbackLine_FailsNamingEvidenceRollback()
    {
        using var copy = CopyOfExample();
        var pr = Path.Combine(copy.Path, "pr-body.md");
        File.WriteAllLines(pr, File.ReadAllLines(pr).Where(l => !l.StartsWith("- Rollback:", StringComparison.Ordinal)));
        var r = CliHarness.Run(copy.Path, ExampleArgs(copy.Path));
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  evidence.rollback").And.Contain("Rollback is missing");
    }

    [Fact]
    public void Check_PaymentsExample_MatchesGoldenReports()
    {
        using var out_ = new TempDir();
        var r = CliHarness.Run(Repo.Root, ExampleArgs("examples/payments", "--report-json", out_.File("r.json"), "--summary-md", out_.File("s.md")));
        r.ExitCode.Should().Be(0);
        Golden.Match(File.ReadAllText(out_.File("s.md")), "Cli/Cases/payments/summary.md");
        Golden.Match(File.ReadAllText(out_.File("r.json")), "Cli/Cases/payments/report.json");
        Golden.Match(r.Out, "Cli/Cases/payments/console.txt");
    }

    [Fact]
    public void Check_UntouchedTemplate_MatchesGoldenFailureReports()
    {
        using var copy = CopyOfExample();
        File.Copy(Repo.Fixture("Evidence/Fixtures/pr-bodies/untouched-template.md"), Path.Combine(copy.Path, "pr-body.md"), overwrite: true);
        var r = CliHarness.Run(copy.Path, ExampleArgs(copy.Path, "--report-json", "r.json", "--summary-md", "s.md"));
        r.ExitCode.Should().Be(1);
        Golden.Match(File.ReadAllText(copy.File("s.md")).Replace(copy.Path, "<ws>"), "Cli/Cases/untouched/summary.md");
        Golden.Match(File.ReadAllText(copy.File("r.json")).Replace(copy.Path, "<ws>"), "Cli/Cases/untouched/report.json");
        Golden.Match(r.Out.Replace(copy.Path, "<ws>"), "Cli/Cases/untouched/console.txt");
    }
}
