using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using TraceGate.Cli.Publishers;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>
/// The cases through the Azure Pipelines host on the payments example: the PR's title, source branch and
/// author from the PR object, its labels from GET pullRequests/{id}/labels and its files from the last iteration's
/// changes (GET pullRequests/{id}/iterations, then iterations/{n}/changes), every request validated by prism
/// against the vendored Azure DevOps Git 7.1 description. The answers are the service's documented shapes.
/// </summary>
[Collection("azure-mock")]
public sealed class AzurePipelinesScopeTests : IDisposable
{
    private const string Token = "azdo-TESTTOKEN-0123456789-SECRET";
    private const string Base = "/acme/payments/_apis/git/repositories/repo-1";
    private readonly TempDir _ws = new();
    private readonly TempDir _agent = new();
    private readonly RecordingHandler _http;

    public AzurePipelinesScopeTests(AzurePrismServer prism)
    {
        _http = new RecordingHandler(prism.BaseUrl);
        foreach (var file in Directory.EnumerateFiles(Repo.Example, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_ws.Path, Path.GetRelativePath(Repo.Example, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        // Iteration 3 is the last push; its changes (against the merge base, the default) are the PR's files.
        _http.Overrides[$"{Base}/pullRequests/17/iterations"] = "{\"count\":3,\"value\":[{\"id\":1},{\"id\":2},{\"id\":3}]}";
        Labels();
        Files("/docs/transfer.md");
    }

    public void Dispose()
    {
        _ws.Dispose();
        _agent.Dispose();
    }

    private string ExampleBody(Func<string, bool> keep) =>
        string.Join('\n', File.ReadAllLines(Path.Combine(Repo.Example, "pr-body.md")).Where(keep)) + "\n";

    private void Pr(string description, string title) =>
        _http.Overrides[$"{Base}/pullrequests/17"] = new JsonObject
        {
            ["pullRequestId"] = 17,
            ["title"] = title,
            ["description"] = description,
            ["sourceRefName"] = "refs/heads/topic/fees",
            ["createdBy"] = new JsonObject { ["uniqueName"] = "dana@payments.example", ["displayName"] = "Dana Lee" },
        }.ToJsonString();

    private void Labels(params string[] names) =>
        _http.Overrides[$"{Base}/pullRequests/17/labels"] = new JsonObject
        {
            ["count"] = names.Length,
            ["value"] = new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["name"] = n, ["active"] = true }).ToArray()),
        }.ToJsonString();

    private void Files(params string[] paths) =>
        _http.Overrides[$"{Base}/pullRequests/17/iterations/3/changes"] = new JsonObject
        {
            ["changeEntries"] = new JsonArray(paths.Select((p, i) => (JsonNode)new JsonObject
            {
                ["changeTrackingId"] = i + 1,
                ["changeId"] = i + 1,
                ["item"] = new JsonObject { ["objectId"] = new string('a', 40), ["path"] = p },
                ["changeType"] = "edit",
            }).Append(new JsonObject { ["changeId"] = 99, ["item"] = new JsonObject { ["path"] = "/src", ["isFolder"] = true }, ["changeType"] = "edit" }).ToArray()),
            ["nextSkip"] = 0,
            ["nextTop"] = 0,
        }.ToJsonString();

    private CliResult Run()
    {
        var env = new Dictionary<string, string?>
        {
            ["TF_BUILD"] = "True",
            ["BUILD_REASON"] = "PullRequest",
            ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.test/acme/",
            ["SYSTEM_TEAMPROJECT"] = "payments",
            ["BUILD_REPOSITORY_ID"] = "repo-1",
            ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "17",
            ["BUILD_BUILDID"] = "99",
            ["BUILD_SOURCESDIRECTORY"] = _ws.Path,
            ["AGENT_TEMPDIRECTORY"] = _agent.Path,
            ["SYSTEM_ACCESSTOKEN"] = Token,
            ["INPUT_CHECK-NAME"] = "TraceGate",
        };
        return CliHarness.RunWithHttp(_ws.Path, env, _http, new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(1), Sleep = (_, _) => Task.CompletedTask }, "check");
    }

    private JsonNode Report => JsonNode.Parse(File.ReadAllText(Path.Combine(_agent.Path, "tracegate", "report.json")))!;

    private JsonNode CheckOf(string id) => Report["checks"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == id)!;

    private JsonNode Status => JsonNode.Parse(_http.Writes.Single(w => w.PathAndQuery.StartsWith($"{Base}/pullRequests/17/statuses", StringComparison.Ordinal)).Body!)!;

    private string Requests => string.Join("\n", _http.Requests.Select(q => $"{q.Method} {q.PathAndQuery} {q.Status}"));

    [Fact]
    public void FeaturePr_WithoutEvidence_PassesWithEvidenceScopeSkippedAndTheStatusSaysSo()
    {
        Pr("", "feat: fee preview");
        Labels("enhancement");
        var r = Run();
        r.ExitCode.Should().Be(0, r.Out + r.Error + Requests);
        _http.Requests.Should().OnlyContain(q => q.Status < 300, "prism accepted every request:\n" + Requests);
        _http.Requests.Select(q => q.PathAndQuery).Should().Contain([
            $"{Base}/pullRequests/17/labels?api-version=7.1",
            $"{Base}/pullRequests/17/iterations?api-version=7.1",
            $"{Base}/pullRequests/17/iterations/3/changes?$top=2000&$skip=0&api-version=7.1"]);
        CheckOf("evidence.scope")["outcome"]!.GetValue<string>().Should().Be("skip");
        CheckOf("evidence.scope")["message"]!.GetValue<string>().Should().StartWith("Evidence not required: no label bug or incident; title 'feat: fee preview' does not match");
        Status["state"]!.GetValue<string>().Should().Be("succeeded");
        Status["description"]!.GetValue<string>().Should().StartWith("TraceGate passed: ").And.Contain(" · Evidence not required: no label bug or incident");
        r.Out.Should().Contain("##vso[task.complete result=Succeeded;]TraceGate passed");
    }

    [Fact]
    public void BugFixWithoutRollback_PassesWhenOnlyDocsChanged()
    {
        Pr(ExampleBody(l => !l.StartsWith("- Rollback:", StringComparison.Ordinal)), "fix: enforce overdraft guard before fee debit");
        Labels("bug");
        var r = Run();
        r.ExitCode.Should().Be(0, r.Out + r.Error + Requests);
        _http.Requests.Should().OnlyContain(q => q.Status < 300);
        CheckOf("evidence.scope")["message"]!.GetValue<string>().Should().StartWith("Evidence required: label bug; title 'fix: enforce overdraft guard before fee debit' matches");
        CheckOf("evidence.rollback")["message"]!.GetValue<string>().Should()
            .Be("Rollback not given (optional: no label risk:high; no changed file matches src/payments/**, migrations/** (1 file changed))", "the folder entry is not a file");
        Status["description"]!.GetValue<string>().Should().Contain(" · Evidence required: label bug");
    }

    [Fact]
    public void BugFixWithoutRollback_FailsEvidenceRollbackWhenSrcPaymentsChanged()
    {
        Pr(ExampleBody(l => !l.StartsWith("- Rollback:", StringComparison.Ordinal)), "fix: enforce overdraft guard before fee debit");
        Labels("bug");
        Files("/docs/transfer.md", "/src/payments/transfer.py");
        var r = Run();
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        r.Out.Should().Contain("##vso[task.logissue type=error]TraceGate evidence.rollback: Rollback is missing (required: src/payments/transfer.py matches src/payments/**)");
        Status["state"]!.GetValue<string>().Should().Be("failed");
    }

    [Fact]
    public void IncidentOnlyAsALabel_SatisfiesIncident()
    {
        Pr(ExampleBody(l => !l.StartsWith("Incident:", StringComparison.Ordinal)), "fix: enforce overdraft guard before fee debit");
        Labels("bug", "incident:INC-2471");
        var r = Run();
        r.ExitCode.Should().Be(0, r.Out + r.Error + Requests);
        CheckOf("evidence.incident")["message"]!.GetValue<string>().Should().Be("Incident: INC-2471 (label incident:INC-2471)");
        Report["evidence"]!["incident"]!["source"]!.GetValue<string>().Should().Be("label");
    }

    [Fact]
    public void LabelsCallFails_EvidenceScopeFailsAndSaysSo()
    {
        Pr("", "feat: fee preview");
        _http.Faults.Add((req, _) => req.RequestUri!.AbsolutePath.EndsWith("/labels", StringComparison.Ordinal)
            ? RecordingHandler.Status(HttpStatusCode.Forbidden, "{\"message\":\"TF401027: You need the Git 'PullRequestContribute' permission\"}")
            : null);
        var r = Run();
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        var scope = CheckOf("evidence.scope");
        scope["outcome"]!.GetValue<string>().Should().Be("fail");
        scope["message"]!.GetValue<string>().Should().StartWith("Cannot tell whether this pull request needs evidence: the Azure DevOps API did not give the labels of pull request 17: GET ")
            .And.Contain("HTTP 403");
        r.Out.Should().NotContain(Token);
    }
}
