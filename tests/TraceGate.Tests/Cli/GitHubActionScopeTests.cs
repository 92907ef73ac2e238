using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using TraceGate.Cli.Publishers;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>
/// The cases through the action on the payments example: real pull_request webhook payloads
/// (@octokit/webhooks-examples, an opened and a labeled event), the PR object the API answers built from the same
/// payload, and every request (the PR, its commits, its files, the check run) validated by prism against GitHub's
/// published description.
/// </summary>
[Collection("github-mock")]
public sealed class GitHubActionScopeTests : IDisposable
{
    private const string Token = "ghs_TESTTOKEN0123456789abcdefSECRET";
    private readonly TempDir _ws = new();
    private readonly TempDir _runner = new();
    private readonly RecordingHandler _http;
    private JsonObject _event = Webhooks.Example("pull_request", "labeled");

    public GitHubActionScopeTests(PrismServer prism)
    {
        _http = new RecordingHandler(prism.BaseUrl);
        foreach (var file in Directory.EnumerateFiles(Repo.Example, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_ws.Path, Path.GetRelativePath(Repo.Example, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose()
    {
        _ws.Dispose();
        _runner.Dispose();
    }

    private int Number => _event["pull_request"]!["number"]!.GetValue<int>();

    private string PrPath => $"/repos/acme/payments/pulls/{Number}";

    private string ExampleBody(Func<string, bool> keep) =>
        string.Join('\n', File.ReadAllLines(Path.Combine(Repo.Example, "pr-body.md")).Where(keep)) + "\n";

    /// <summary>The API's PR object: the event's own pull_request, as edited since (body, title, labels).</summary>
    private void Pr(string? body = null, string? title = null, string[]? labels = null, int? changedFiles = null)
    {
        var pr = _event["pull_request"]!.DeepClone().AsObject();
        if (body is not null)
        {
            pr["body"] = body;
        }

        if (title is not null)
        {
            pr["title"] = title;
        }

        if (labels is not null)
        {
            pr["labels"] = new JsonArray(labels.Select(l => (JsonNode)new JsonObject { ["name"] = l, ["color"] = "d73a4a" }).ToArray());
        }

        if (changedFiles is not null)
        {
            pr["changed_files"] = changedFiles;
        }

        _http.Overrides[PrPath] = pr.ToJsonString();
    }

    private void Files(params string[] names) => _http.Overrides[PrPath + "/files"] = FilesJson(names);

    private static string FilesJson(IEnumerable<string> names) =>
        new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["filename"] = n, ["status"] = "modified", ["additions"] = 1, ["deletions"] = 1, ["changes"] = 2 }).ToArray()).ToJsonString();

    private CliResult Run()
    {
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = _runner.Write("event.json", _event.ToJsonString()),
            ["GITHUB_REPOSITORY"] = "acme/payments",
            ["GITHUB_WORKSPACE"] = _ws.Path,
            ["GITHUB_API_URL"] = "http://api.github.test",
            ["GITHUB_STEP_SUMMARY"] = _runner.File("summary.md"),
            ["INPUT_TOKEN"] = Token,
            ["INPUT_CHECK-NAME"] = "TraceGate",
        };
        return CliHarness.RunWithHttp(_ws.Path, env, _http, new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(1), Sleep = (_, _) => Task.CompletedTask }, "check");
    }

    private JsonNode Completed => JsonNode.Parse(_http.Writes.Last(w => w.Method == "PATCH").Body!)!;

    private JsonNode Report => JsonNode.Parse(File.ReadAllText(Path.Combine(_ws.Path, ".tracegate", "report.json")))!;

    private JsonNode CheckOf(string id) => Report["checks"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;

    private string Requests => string.Join("\n", _http.Requests.Select(q => $"{q.Method} {q.PathAndQuery} {q.Status}"));

    private void EveryRequestAccepted() =>
        _http.Requests.Where(q => q.Status != 0).Should().OnlyContain(q => q.Status < 300, "prism accepted every request:\n" + Requests);

    [Fact]
    public void OpenedFeaturePr_WithoutEvidence_PassesWithEvidenceScopeSkippedAndTheTitleSaysSo()
    {
        _event = Webhooks.Example("pull_request", "opened");
        _event["pull_request"]!["labels"]!.AsArray().Should().BeEmpty("the real opened payload has no labels yet");
        Pr(title: "feat: fee preview", labels: ["enhancement"]);
        Files("src/payments/preview.py");
        var r = Run();
        r.ExitCode.Should().Be(0, r.Out + r.Error + Requests);
        EveryRequestAccepted();
        CheckOf("evidence.scope")["outcome"]!.GetValue<string>().Should().Be("skip");
        Report["checks"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).Where(id => id.StartsWith("evidence.", StringComparison.Ordinal))
            .Should().Equal("evidence.scope");
        var output = Completed["output"]!;
        Completed["conclusion"]!.GetValue<string>().Should().Be("success");
        output["title"]!.GetValue<string>().Should().StartWith("All ").And
            .Contain(" · Evidence not required: no label bug or incident; title 'feat: fee preview' does not match");
        output["summary"]!.GetValue<string>().Should().Contain("`evidence.scope`");
    }

    [Fact]
    public void LabeledBugFix_WithoutRollback_PassesWhenOnlyDocsChanged()
    {
        _event["label"]!["name"]!.GetValue<string>().Should().Be("bug", "the real labeled payload adds the label bug");
        Pr(body: ExampleBody(l => !l.StartsWith("- Rollback:", StringComparison.Ordinal)));
        Files("docs/transfer.md", "README.md");
        var r = Run();
        r.ExitCode.Should().Be(0, r.Out + r.Error + Requests);
        EveryRequestAccepted();
        _http.Requests.Should().Contain(q => q.Method == "GET" && q.PathAndQuery == PrPath + "/files?per_page=100");
        CheckOf("evidence.scope")["message"]!.GetValue<string>().Should().Be("Evidence required: label bug");
        CheckOf("evidence.rollback")["outcome"]!.GetValue<string>().Should().Be("skip");
        Completed["output"]!["title"]!.GetValue<string>().Should().EndWith(" · Evidence required: label bug");
        r.Out.Should().Contain("tracegate: read 2 changed files from the API");
    }

    [Fact]
    public void LabeledBugFix_WithoutRollback_FailsEvidenceRollbackWhenSrcPaymentsChanged()
    {
        Pr(body: ExampleBody(l => !l.StartsWith("- Rollback:", StringComparison.Ordinal)));
        Files("docs/transfer.md", "src/payments/transfer.py");
        var r = Run();
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        EveryRequestAccepted();
        CheckOf("evidence.rollback")["message"]!.GetValue<string>().Should().Be("Rollback is missing (required: src/payments/transfer.py matches src/payments/**)");
        Completed["conclusion"]!.GetValue<string>().Should().Be("failure");
        Completed["output"]!["summary"]!.GetValue<string>().Should().Contain("src/payments/transfer.py matches src/payments/\\*\\*");
        r.Out.Should().Contain("::error title=TraceGate evidence.rollback::Rollback is missing (required: src/payments/transfer.py matches src/payments/**)");
    }

    [Fact]
    public void IncidentOnlyAsALabel_SatisfiesIncident()
    {
        Pr(body: ExampleBody(l => !l.StartsWith("Incident:", StringComparison.Ordinal)), labels: ["bug", "incident:INC-2471"]);
        Files("src/payments/transfer.py");
        var r = Run();
        r.ExitCode.Should().Be(0, r.Out + r.Error + Requests);
        CheckOf("evidence.incident")["message"]!.GetValue<string>().Should().Be("Incident: INC-2471 (label incident:INC-2471)");
        Report["evidence"]!["incident"]!["source"]!.GetValue<string>().Should().Be("label");
    }

    [Fact]
    public void ChangedFiles_AreReadFromEveryPage()
    {
        Pr(body: ExampleBody(l => !l.StartsWith("- Rollback:", StringComparison.Ordinal)), changedFiles: 101);
        _http.Rewrites.Add((req, resp) =>
        {
            if (req.RequestUri!.AbsolutePath != PrPath + "/files")
            {
                return;
            }

            bool second = req.RequestUri.Query.Contains("page=2", StringComparison.Ordinal);
            // Prism answers with the description's example Link header; the pages here are ours.
            resp.Headers.Remove("Link");
            resp.Content = new StringContent(second ? FilesJson(["src/payments/transfer.py"]) : FilesJson(Enumerable.Range(0, 100).Select(i => $"docs/p{i}.md")), System.Text.Encoding.UTF8, "application/json");
            if (!second)
            {
                resp.Headers.TryAddWithoutValidation("Link", $"<http://api.github.test{PrPath}/files?per_page=100&page=2>; rel=\"next\"");
            }
        });
        var r = Run();
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        EveryRequestAccepted();
        _http.Requests.Count(q => q.PathAndQuery.StartsWith(PrPath + "/files", StringComparison.Ordinal)).Should().Be(2, Requests + r.Out);
        CheckOf("evidence.rollback")["message"]!.GetValue<string>().Should().Contain("src/payments/transfer.py matches src/payments/**", "the match is on page 2");
    }

    [Fact]
    public void ChangedFilesCutAt3000_NeverWaivesTheRollbackAndTheReportSaysSo()
    {
        Pr(body: ExampleBody(l => !l.StartsWith("- Rollback:", StringComparison.Ordinal)), changedFiles: 3412);
        _http.Rewrites.Add((req, resp) =>
        {
            if (req.RequestUri!.AbsolutePath != PrPath + "/files")
            {
                return;
            }

            int page = req.RequestUri.Query.Split('&', '?').FirstOrDefault(p => p.StartsWith("page=", StringComparison.Ordinal)) is { } p ? int.Parse(p[5..], System.Globalization.CultureInfo.InvariantCulture) : 1;
            resp.Content = new StringContent(FilesJson(Enumerable.Range((page - 1) * 100, 100).Select(i => $"docs/p{i}.md")), System.Text.Encoding.UTF8, "application/json");
            resp.Headers.Remove("Link");
            resp.Headers.TryAddWithoutValidation("Link", $"<http://api.github.test{PrPath}/files?per_page=100&page={page + 1}>; rel=\"next\"");
        });
        var r = Run();
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        _http.Requests.Count(q => q.PathAndQuery.StartsWith(PrPath + "/files", StringComparison.Ordinal)).Should().Be(30, "GitHub lists at most 3,000 files, 100 a page");
        r.Out.Should().Contain("tracegate: read 3000 changed files from the API (GitHub lists at most 3,000; the pull request has 3,412)");
        CheckOf("evidence.rollback")["message"]!.GetValue<string>().Should()
            .Contain("the changed-file list was cut at 3,000 of 3,412 files and none listed matches src/payments/**, migrations/**: a file not listed may");
        CheckOf("evidence.scope")["details"]![0]!.GetValue<string>().Should().Contain("cut at 3,000 of 3,412 files");
    }

    [Fact]
    public void FilesCallFails_EvidenceScopeFailsAndSaysSo()
    {
        _ws.Write(".tracegate.yml", "evidence:\n  when: { paths: ['src/**'] }\n  fields:\n    incident: {}\n");
        Pr(body: "Incident: INC-2471\n", title: "chore: tidy");
        _http.Faults.Add((req, _) => req.RequestUri!.AbsolutePath == PrPath + "/files" ? RecordingHandler.Status(HttpStatusCode.BadGateway) : null);
        var r = Run();
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        var scope = CheckOf("evidence.scope");
        scope["outcome"]!.GetValue<string>().Should().Be("fail");
        scope["message"]!.GetValue<string>().Should().StartWith($"Cannot tell whether this pull request needs evidence: the GitHub API did not list the changed files (GET /repos/acme/payments/pulls/{Number}/files)");
        Completed["output"]!["title"]!.GetValue<string>().Should().Contain("Cannot tell whether this pull request needs evidence");
        r.Out.Should().NotContain(Token);
    }
}
