using System.Text.Json.Nodes;
using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>The issue's cases on the payments example through the command line: --labels, --title, --branch,
/// --author, --changed-files, --git-range and their TRACEGATE_* variables.</summary>
public sealed class ScopeCommandTests : IDisposable
{
    private const string FeatureCommit = "feat: fee preview\n\nShows the fee before the transfer is confirmed.\n";
    private readonly TempDir _ws = ExampleCopy();

    public void Dispose() => _ws.Dispose();

    private static TempDir ExampleCopy()
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

    private string Body(Func<string, bool> keep) =>
        _ws.Write("body.md", string.Join('\n', File.ReadAllLines(_ws.File("pr-body.md")).Where(keep)) + "\n");

    private string Commits(params string[] messages) => _ws.Write("commits.txt", string.Join('\0', messages));

    private CliResult Check(IReadOnlyDictionary<string, string?>? env, params string[] args) =>
        CliHarness.Run(_ws.Path, env, new[] { "check", "--report-json", "r.json" }.Concat(args).ToArray());

    private JsonNode Report => JsonNode.Parse(File.ReadAllText(_ws.File("r.json")))!;

    private JsonNode CheckOf(string id) => Report["checks"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;

    [Fact]
    public void Check_FeaturePrWithoutEvidence_PassesWithEvidenceScopeSkipped()
    {
        var r = Check(null, "--pr-body", _ws.Write("empty.md", ""), "--commits", Commits(FeatureCommit),
            "--labels", "enhancement", "--title", "feat: fee preview", "--author", "dana");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("skip  evidence.scope").And.Contain("Evidence not required: no label bug or incident; title 'feat: fee preview' does not match");
        var ids = Report["checks"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
        ids.Where(id => id.StartsWith("evidence.", StringComparison.Ordinal)).Should().Equal("evidence.scope");
        ids.Should().Contain("traces.fee-before-debit", "the trace gates still run out of scope");
        CheckOf("evidence.scope")["outcome"]!.GetValue<string>().Should().Be("skip");
    }

    [Fact]
    public void Check_BugFixWithoutRollback_PassesWhenOnlyDocsChanged()
    {
        var r = Check(null, "--pr-body", Body(l => !l.StartsWith("- Rollback:", StringComparison.Ordinal)), "--commits", _ws.File("commits.nul"),
            "--labels", "bug", "--title", "fix: overdraft guard before the fee debit", "--changed-files", _ws.Write("files.txt", "docs/transfer.md\n./README.md\r\n\n"));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        CheckOf("evidence.scope")["message"]!.GetValue<string>().Should().StartWith("Evidence required: label bug; title 'fix: overdraft guard before the fee debit' matches");
        CheckOf("evidence.rollback")["outcome"]!.GetValue<string>().Should().Be("skip");
        CheckOf("evidence.rollback")["message"]!.GetValue<string>().Should()
            .Be("Rollback not given (optional: no label risk:high; no changed file matches src/payments/**, migrations/** (2 files changed))");
    }

    [Fact]
    public void Check_BugFixWithoutRollback_FailsEvidenceRollbackWhenSrcPaymentsChanged()
    {
        var r = Check(null, "--pr-body", Body(l => !l.StartsWith("- Rollback:", StringComparison.Ordinal)), "--commits", _ws.File("commits.nul"),
            "--labels", "bug", "--title", "fix: overdraft guard", "--changed-files", _ws.Write("files.txt", "docs/transfer.md\nsrc/payments/transfer.py\n"));
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  evidence.rollback            Rollback is missing (required: src/payments/transfer.py matches src/payments/**)");
        Report["checks"]!.AsArray().Where(c => c!["outcome"]!.GetValue<string>() == "fail").Select(c => c!["id"]!.GetValue<string>())
            .Should().Equal("evidence.rollback");
    }

    [Fact]
    public void Check_IncidentOnlyAsALabel_SatisfiesIncident()
    {
        var r = Check(null, "--pr-body", Body(l => !l.StartsWith("Incident:", StringComparison.Ordinal)),
            "--commits", Commits("fix: overdraft guard\n\nTRACE: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\n"),
            "--labels", "bug", "--labels", "incident:INC-2471", "--title", "fix: overdraft guard", "--changed-files", _ws.Write("files.txt", "src/payments/transfer.py\n"));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("pass  evidence.incident            Incident: INC-2471 (label incident:INC-2471)");
        var incident = Report["evidence"]!["incident"]!;
        incident["source"]!.GetValue<string>().Should().Be("label");
        incident["label"]!.GetValue<string>().Should().Be("incident:INC-2471");
        incident["url"]!.GetValue<string>().Should().Be("https://tickets.example/browse/INC-2471");
        File.ReadAllText(_ws.File("r.json")).Should().NotContain("\"line\": 0");
    }

    [Fact]
    public void Check_LabelsEmpty_MeansThePrHasNone()
    {
        var r = Check(null, "--pr-body", _ws.Write("empty.md", ""), "--commits", Commits(FeatureCommit), "--labels", "", "--title", "docs: typo");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        CheckOf("evidence.scope")["message"]!.GetValue<string>().Should().StartWith("Evidence not required: no label bug or incident;");
    }

    [Fact]
    public void Check_LabelsNotGiven_FailsEvidenceScopeSayingWhatIsMissing()
    {
        var r = Check(null, "--pr-body", _ws.Write("empty.md", ""), "--commits", Commits(FeatureCommit), "--title", "feat: fee preview");
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  evidence.scope               Cannot tell whether this pull request needs evidence: the labels were not given (--labels NAME, or --labels '' for none)");
    }

    [Fact]
    public void Check_FactsFromTraceGateVariables_DecideTheScope()
    {
        var env = new Dictionary<string, string?>
        {
            ["TRACEGATE_LABELS"] = "enhancement\nui",
            ["TRACEGATE_TITLE"] = "feat: fee preview",
            ["TRACEGATE_AUTHOR"] = "dana",
        };
        var r = Check(env, "--pr-body", _ws.Write("empty.md", ""), "--commits", Commits(FeatureCommit));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        CheckOf("evidence.scope")["outcome"]!.GetValue<string>().Should().Be("skip");

        env["TRACEGATE_LABELS"] = "";
        Check(env, "--pr-body", _ws.File("empty.md"), "--commits", _ws.File("commits.txt")).ExitCode.Should().Be(0, "an empty TRACEGATE_LABELS says: no labels");

        env["TRACEGATE_LABELS"] = "bug";
        env["TRACEGATE_AUTHOR"] = "dependabot[bot]";
        Check(env, "--pr-body", _ws.File("empty.md"), "--commits", _ws.File("commits.txt")).ExitCode.Should().Be(0);
        CheckOf("evidence.scope")["message"]!.GetValue<string>().Should().Be("Evidence not required: the author dependabot[bot] is in evidence.skip-authors");

        var r2 = Check(env, "--pr-body", _ws.File("empty.md"), "--commits", _ws.File("commits.txt"), "--author", "dana", "--labels", "bug");
        r2.ExitCode.Should().Be(1, "options override the variables");
        CheckOf("evidence.scope")["message"]!.GetValue<string>().Should().StartWith("Evidence required: label bug");
    }

    [Fact]
    public void Check_GitRange_ListsChangedFilesWithGitIncludingRenames()
    {
        using var repo = new TempDir();
        repo.Write(".tracegate.yml", "evidence:\n  when: { paths: ['src/payments/**'] }\n  fields:\n    incident: {}\n");
        repo.Write("src/payments/transfer.py", "def apply():\n    return 1\n" + new string('#', 400) + "\n");
        Git.InitRepo(repo.Path, "chore: add transfer\n");
        var baseSha = Git.Run(repo.Path, "rev-parse", "HEAD").Trim();
        Git.Run(repo.Path, "mv", "src/payments/transfer.py", "lib/transfer.py".Also(p => Directory.CreateDirectory(repo.File("lib"))));
        Git.Run(repo.Path, "commit", "-q", "-m", "refactor: move transfer");
        var r = CliHarness.Run(repo.Path, "check", "--git-range", baseSha + "..HEAD");
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        r.Out.Should().Contain("pass  evidence.scope").And.Contain("src/payments/transfer.py matches src/payments/**", "the old path of a rename counts");

        repo.Write("docs/x.md", "x\n");
        Git.Run(repo.Path, "add", "-A");
        Git.Run(repo.Path, "commit", "-q", "-m", "docs: x");
        var head = Git.Run(repo.Path, "rev-parse", "HEAD~1").Trim();
        var docsOnly = CliHarness.Run(repo.Path, "check", "--git-range", head + "..HEAD");
        docsOnly.ExitCode.Should().Be(0, docsOnly.Out + docsOnly.Error);
        docsOnly.Out.Should().MatchRegex(@"skip  evidence\.scope +Evidence not required: no changed file matches src/payments/\*\* \(1 file changed\)\n");
    }

    [Fact]
    public void Check_ChangedFilesFileMissing_ExitsTwoNamingIt()
    {
        var r = Check(null, "--pr-body", _ws.File("pr-body.md"), "--commits", _ws.File("commits.nul"), "--changed-files", "nope.txt");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("nope.txt: no such file (the changed-file list)");
    }

    [Fact]
    public void Check_FactsAloneWithoutDescription_DecideAnOutOfScopePr()
    {
        using var ws = new TempDir();
        ws.Write(".tracegate.yml", "evidence:\n  when: { labels: [bug] }\n  fields:\n    incident: {}\n");
        var r = CliHarness.Run(ws.Path, "check", "--labels", "enhancement");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().MatchRegex(@"skip  evidence\.scope +Evidence not required: no label bug\n");
        CliHarness.Run(ws.Path, "check", "--labels", "bug").Out.Should().MatchRegex(@"FAIL  evidence\.incident +Incident is missing\n");
    }
}
