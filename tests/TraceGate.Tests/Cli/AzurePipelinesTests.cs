using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;
using TraceGate.Cli.Publishers;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>
/// The Azure Pipelines task as the agent runs the binary: TF_BUILD=True, the task's INPUT_* variables and the
/// predefined variables, against prism serving the Azure DevOps Git REST API 7.1 description (every request is
/// validated; requests without a Bearer token get 401).
/// </summary>
[Collection("azure-mock")]
public sealed class AzurePipelinesTests : IDisposable
{
    private const string Token = "azdo-TESTTOKEN-0123456789-SECRET";
    private const string Base = "/acme/payments/_apis/git/repositories/repo-1";
    private readonly TempDir _ws = new();
    private readonly TempDir _agent = new();
    private readonly RecordingHandler _http;

    public AzurePipelinesTests(AzurePrismServer prism)
    {
        _http = new RecordingHandler(prism.BaseUrl);
        foreach (var file in Directory.EnumerateFiles(Repo.Example, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_ws.Path, Path.GetRelativePath(Repo.Example, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        SetPr(File.ReadAllText(Path.Combine(Repo.Example, "pr-body.md")));
    }

    public void Dispose()
    {
        _ws.Dispose();
        _agent.Dispose();
    }

    // A pull request as the service returns it carries its title, source branch and author (evidence.when reads them).
    private void SetPr(string description) =>
        _http.Overrides[$"{Base}/pullrequests/17"] = new JsonObject
        {
            ["pullRequestId"] = 17,
            ["description"] = description,
            ["title"] = "fix: enforce overdraft guard before fee debit",
            ["sourceRefName"] = "refs/heads/fix/overdraft",
            ["createdBy"] = new JsonObject { ["uniqueName"] = "dana@payments.example", ["displayName"] = "Dana Lee" },
        }.ToJsonString();

    private Dictionary<string, string?> Env(params (string Key, string? Value)[] extra)
    {
        var env = new Dictionary<string, string?>
        {
            ["TF_BUILD"] = "True",
            ["BUILD_REASON"] = "PullRequest",
            ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.test/acme/",
            ["SYSTEM_TEAMPROJECT"] = "payments",
            ["BUILD_REPOSITORY_ID"] = "repo-1",
            ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "17",
            ["SYSTEM_PULLREQUEST_SOURCECOMMITID"] = "1111111111111111111111111111111111111111",
            ["BUILD_BUILDID"] = "99",
            ["BUILD_SOURCESDIRECTORY"] = _ws.Path,
            ["AGENT_TEMPDIRECTORY"] = _agent.Path,
            ["SYSTEM_ACCESSTOKEN"] = Token,
            ["INPUT_CHECK-NAME"] = "TraceGate",
        };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        return env;
    }

    private readonly List<TimeSpan> _sleeps = [];

    private CliResult Run(Dictionary<string, string?> env, TimeSpan? attemptTimeout = null, int maxAttempts = 4) =>
        CliHarness.RunWithHttp(_ws.Path, env, _http, new RetryPolicy
        {
            MaxAttempts = maxAttempts,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(20),
            Sleep = (d, _) =>
            {
                lock (_sleeps)
                {
                    _sleeps.Add(d);
                }

                return Task.CompletedTask;
            },
        }, "check");

    /// <summary>The token is in no output, report or request body (it travels only in the Authorization header).</summary>
    private void TokenAppearsNowhere(CliResult r)
    {
        var outputs = new List<(string Where, string Text)> { ("stdout", r.Out), ("stderr", r.Error) };
        outputs.AddRange(Directory.EnumerateFiles(Path.Combine(_agent.Path, "tracegate")).Select(f => (Path.GetFileName(f), File.ReadAllText(f))));
        outputs.AddRange(_http.Requests.Select(q => ($"{q.Method} {q.PathAndQuery}", q.Body ?? "")));
        outputs.Select(o => o.Where).Should().Contain(["report.json", "summary.md"], "the verdict is written before publishing");
        foreach (var (where, text) in outputs)
        {
            text.Should().NotContain(Token, $"{where} must not hold the token");
        }
    }

    private static JsonNode Json(RecordedRequest r) => JsonNode.Parse(r.Body!)!;

    [Fact]
    public void PullRequestBuild_PostsASchemaValidStatusAndOneThread()
    {
        var r = Run(Env());
        r.ExitCode.Should().Be(0, r.Out + r.Error + string.Join("\n", _http.Requests.Select(q => $"{q.Method} {q.PathAndQuery} {q.Status} {q.ResponseBody}")));
        _http.Requests.Should().OnlyContain(q => q.Status < 300, "prism accepted every request");
        _http.Requests.Should().OnlyContain(q => q.PathAndQuery.Contains("api-version=7.1"));
        var status = _http.Writes.Single(w => w.PathAndQuery.StartsWith($"{Base}/pullRequests/17/statuses", StringComparison.Ordinal));
        var body = Json(status);
        body["state"]!.GetValue<string>().Should().Be("succeeded");
        body["context"]!["genre"]!.GetValue<string>().Should().Be("tracegate");
        body["context"]!["name"]!.GetValue<string>().Should().Be("TraceGate");
        body["targetUrl"]!.GetValue<string>().Should().Be("https://dev.azure.test/acme/payments/_build/results?buildId=99");
        var thread = _http.Writes.Single(w => w.Method == "POST" && w.PathAndQuery.StartsWith($"{Base}/pullRequests/17/threads", StringComparison.Ordinal));
        Json(thread)["comments"]![0]!["content"]!.GetValue<string>().Should().StartWith("<!-- tracegate:TraceGate -->\n## ✅ TraceGate: passed");
        Json(thread)["status"]!.GetValue<string>().Should().Be("closed");
    }

    /// <summary>
    /// A PR build whose only undecided check is the latency rule's baseline budget with too few spans (min-samples
    /// 100000): nothing failed, so the run is inconclusive end to end: the PR status is notApplicable (Azure DevOps's
    /// neutral, which a status policy neither passes nor blocks on), validated by prism against the Git REST API 7.1
    /// description, the thread says why, the task exits 0.
    /// </summary>
    [Fact]
    public void PullRequestBuild_WhenOnlyABaselineBudgetIsInconclusive_PostsTheStatusNotApplicable()
    {
        string policy = _ws.File(".tracegate.yml");
        string text = File.ReadAllText(policy);
        const string budget = "baseline: { p95: '<= +10%', min-change: 2ms }";
        text.Should().Contain(budget, "the example's latency rule has the statistical budget");
        File.WriteAllText(policy, text.Replace(budget, "baseline: { p95: '<= +10%', min-change: 2ms, min-samples: 100000 }", StringComparison.Ordinal));

        var r = Run(Env());

        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("inconclusive  traces.apply-latency").And.Contain("at least 100000 (min-samples)");
        _http.Requests.Should().OnlyContain(q => q.Status < 300, "prism accepted every request: " + string.Join("\n", _http.Requests.Select(q => $"{q.Method} {q.PathAndQuery} {q.Status} {q.ResponseBody}")));
        var status = Json(_http.Writes.Single(w => w.PathAndQuery.StartsWith($"{Base}/pullRequests/17/statuses", StringComparison.Ordinal)));
        status["state"]!.GetValue<string>().Should().Be("notApplicable");
        status["description"]!.GetValue<string>().Should().MatchRegex("^TraceGate inconclusive: 1 of [0-9]+ checks could not be judged, none failed");
        var thread = _http.Writes.Single(w => w.Method == "POST" && w.PathAndQuery.StartsWith($"{Base}/pullRequests/17/threads", StringComparison.Ordinal));
        Json(thread)["comments"]![0]!["content"]!.GetValue<string>().Should().StartWith("<!-- tracegate:TraceGate -->\n## ❔ TraceGate: inconclusive (1 check could not be judged, none failed)");
    }

    /// <summary>
    /// The example's latency rule against slow traces: its baseline budget fails, and the PR thread, where Azure DevOps
    /// shows Mermaid as code, carries the quantiles as the text sparkline, not a diagram.
    /// </summary>
    [Fact]
    public void PullRequestBuild_WhenTheBaselineBudgetFails_TheThreadShowsTheQuantileSparklineNotMermaid()
    {
        File.Copy(Repo.Fixture("Traces/Fixtures/payments/slow.pb"), _ws.File("artifacts/traces/transfer-tests.pb"), overwrite: true);
        File.Copy(Repo.Fixture("Traces/Fixtures/payments/baseline.pb"), _ws.File("artifacts/baseline/transfer-tests.pb"), overwrite: true);

        var r = Run(Env());

        r.ExitCode.Should().Be(1, r.Out + r.Error);
        _http.Requests.Should().OnlyContain(q => q.Status < 300, "prism accepted every request");
        Json(_http.Writes.Single(w => w.PathAndQuery.StartsWith($"{Base}/pullRequests/17/statuses", StringComparison.Ordinal)))["state"]!.GetValue<string>().Should().Be("failed");
        var thread = _http.Writes.Single(w => w.Method == "POST" && w.PathAndQuery.StartsWith($"{Base}/pullRequests/17/threads", StringComparison.Ordinal));
        Json(thread)["comments"]![0]!["content"]!.GetValue<string>().Should()
            .Contain("p95\\: quantiles p10 p25 p50 p75 p90 p95 p99 on one scale from 0 to 58.719ms\\: baseline ▂▂▃▃▃▃▃, this run ▅▆▆▇███")
            .And.NotContain("```mermaid");
    }

    [Fact]
    public void PullRequestBuild_WritesLoggingCommandsEscapedAsTheAgentRequires()
    {
        SetPr("Incident: INC-2471\nInvariant: 100% ; done ] \n");
        var r = Run(Env());
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("##vso[task.logissue type=error]TraceGate evidence.rollback: Rollback is missing");
        r.Out.Should().Contain($"##vso[task.uploadsummary]{Path.Combine(_agent.Path, "tracegate", "summary.md")}");
        r.Out.Should().Contain("##vso[task.setvariable variable=conclusion;isOutput=true]failure");
        r.Out.Should().Contain("##vso[task.complete result=Failed;]");
        File.ReadAllText(Path.Combine(_agent.Path, "tracegate", "summary.md")).Should().StartWith("## ❌");
        Json(_http.Writes.First(w => w.PathAndQuery.Contains("/statuses")))["state"]!.GetValue<string>().Should().Be("failed");
    }

    [Fact]
    public void TraceRuleFailure_IsAnIssueOnThePolicyLine()
    {
        File.Copy(Repo.Fixture("Traces/Fixtures/payments/buggy.pb"), Path.Combine(_ws.Path, "artifacts", "traces", "transfer-tests.pb"), overwrite: true);
        var r = Run(Env());
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("##vso[task.logissue type=error;sourcepath=.tracegate.yml;linenumber=28]TraceGate traces.validate-attributes:");
    }

    [Fact]
    public void ReRun_EditsTheExistingThreadInPlace()
    {
        // A thread list whose first comment carries TraceGate's marker, as a previous run left it.
        _http.Overrides[$"{Base}/pullRequests/17/threads"] = """{"value":[{"id":5,"comments":[{"id":1,"content":"<!-- tracegate:TraceGate -->\nold"}]}],"count":1}""";
        var r = Run(Env());
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _http.Writes.Should().NotContain(w => w.Method == "POST" && w.PathAndQuery.Contains("/threads"), "the thread is edited, not stacked");
        _http.Writes.Should().Contain(w => w.Method == "PATCH" && w.PathAndQuery.StartsWith($"{Base}/pullRequests/17/threads/5/comments/1", StringComparison.Ordinal) && w.Status < 300);
        var close = _http.Writes.Single(w => w.Method == "PATCH" && w.PathAndQuery.StartsWith($"{Base}/pullRequests/17/threads/5?", StringComparison.Ordinal));
        close.Status.Should().BeLessThan(300);
        Json(close)["status"]!.GetValue<string>().Should().Be("closed");
    }

    [Fact]
    public void ThreadListOfAnUnexpectedShape_IsAnInternalErrorWithTheVerdictWritten()
    {
        // A thread id that is not an integer: GetInt64 throws FormatException, which escaped as a stack trace.
        _http.Overrides[$"{Base}/pullRequests/17/threads"] = """{"value":[{"id":5.5,"comments":[{"id":1,"content":"<!-- tracegate:TraceGate -->\nold"}]}],"count":1}""";
        var r = Run(Env());
        r.ExitCode.Should().Be(4, r.Out + r.Error);
        r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().MatchRegex("^tracegate: internal error: FormatException: .*; please report it with this output$");
        File.ReadAllText(Path.Combine(_agent.Path, "tracegate", "summary.md")).Should().Contain("TraceGate: passed", "the verdict was written before publishing");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void PullRequestThatCannotBeRead_IsAnInputErrorNamingTheRequest()
    {
        _http.Faults.Add((req, _) => req.RequestUri!.AbsolutePath == $"{Base}/pullrequests/17"
            ? RecordingHandler.Status(HttpStatusCode.Unauthorized, "{\"message\":\"TF400813: not authorized\"}")
            : null);
        var r = Run(Env());
        r.ExitCode.Should().Be(2, r.Out + r.Error);
        r.Error.Should().Contain("reading the pull request failed").And.Contain("HTTP 401");
    }

    [Fact]
    public void PullRequestBuild_WhenTheCommitsFromTheApiAreOverSixteenMiB_IsAnInputErrorNamingTheApi()
    {
        // Two commits of 9 MiB of trailer lines each: the same 16 MiB cap as a --commits file.
        string message = "fix: the fee guard\n\n" + string.Concat(Enumerable.Repeat("INC: INC-2471\n", (9 * 1024 * 1024) / 14));
        var commits = new JsonArray(
            new JsonObject { ["commitId"] = new string('a', 40), ["comment"] = message },
            new JsonObject { ["commitId"] = new string('b', 40), ["comment"] = message });
        _http.Overrides[$"{Base}/pullRequests/17/commits"] = new JsonObject { ["value"] = commits, ["count"] = 2 }.ToJsonString();

        var r = Run(Env());

        r.ExitCode.Should().Be(2, r.Out + r.Error);
        r.Error.Should().Contain("the commit messages of pull request 17 read from the Azure DevOps API are 18,874,3").And.Contain("over the 16 MiB limit");
        _http.Writes.Should().BeEmpty("nothing is judged, so nothing is posted");
    }

    [Fact]
    public void ThreadCreatedButTheAnswerLost_IsFoundNotPostedTwice()
    {
        string threads = $"{Base}/pullRequests/17/threads";
        _http.AcceptThenFail(req => req.Method == HttpMethod.Post && req.RequestUri!.AbsolutePath == threads, threads,
            (sent, created) => new JsonObject
            {
                ["value"] = new JsonArray(new JsonObject
                {
                    ["id"] = JsonNode.Parse(created)!["id"]?.GetValue<long>() ?? 1,
                    ["comments"] = new JsonArray(new JsonObject { ["id"] = 1, ["content"] = JsonNode.Parse(sent)!["comments"]![0]!["content"]!.GetValue<string>() }),
                }),
                ["count"] = 1,
            }.ToJsonString());
        var r = Run(Env());
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _http.Requests.Count(q => q.Method == "POST" && q.PathAndQuery.StartsWith(threads + "?", StringComparison.Ordinal)).Should().Be(1, "exactly one thread is created");
        _http.Requests.Count(q => q.Method == "POST" && q.PathAndQuery.Contains("/statuses")).Should().Be(1);
        r.Out.Should().Contain("creating the comment thread on pull request 17: HTTP 502").And.Contain("not sent again");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void MissingAccessToken_SaysHowToMapIt()
    {
        var r = Run(Env(("SYSTEM_ACCESSTOKEN", null)));
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("SYSTEM_ACCESSTOKEN is not set: map it into the step").And.Contain("$(System.AccessToken)");
    }

    [Fact]
    public void NonPullRequestBuild_RunsTraceGatesAndSkipsEvidence()
    {
        var r = Run(Env(("BUILD_REASON", "IndividualCI"), ("SYSTEM_ACCESSTOKEN", null)));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("evidence was skipped").And.Contain("pass  traces.fee-before-debit");
        _http.Requests.Should().BeEmpty();
    }

    [Fact]
    public void StatusServerErrors_AreRetriedThenReportedAsPublishFailed()
    {
        _http.Faults.Add((req, _) => req.RequestUri!.AbsolutePath.EndsWith("/statuses", StringComparison.Ordinal) ? RecordingHandler.Status(HttpStatusCode.InternalServerError) : null);
        var r = Run(Env());
        r.ExitCode.Should().Be(3);
        _http.Requests.Count(q => q.PathAndQuery.Contains("/statuses")).Should().Be(4);
        r.Out.Should().Contain("##vso[task.logissue type=warning]publishing to Azure DevOps failed");
        File.Exists(Path.Combine(_agent.Path, "tracegate", "report.json")).Should().BeTrue("the verdict is never lost");
        TokenAppearsNowhere(r);
    }

    /// <summary>The fault cases of the hardening plan against Azure DevOps: each is retried as documented
    /// (exponential backoff, or the server's Retry-After), and the status is posted once the API answers again.</summary>
    [Theory]
    [InlineData("500", 2, null)]
    [InlineData("502", 1, null)]
    [InlineData("503-retry-after", 1, 4)]
    [InlineData("429-retry-after", 1, 6)]
    [InlineData("connection-dropped", 2, null)]
    public void TransientFault_IsRetriedAndTheStatusIsPosted(string fault, int failures, int? retryAfterSeconds)
    {
        var hits = _http.FailFirst(failures, req => req.Method == HttpMethod.Post && req.RequestUri!.AbsolutePath.EndsWith("/statuses", StringComparison.Ordinal), fault, retryAfterSeconds);
        var r = Run(Env());
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _sleeps.Should().HaveCount(failures);
        if (retryAfterSeconds is { } wait)
        {
            _sleeps.Should().Equal(TimeSpan.FromSeconds(wait));
        }

        hits().Should().Be(failures);
        _http.Requests.Where(q => q.PathAndQuery.Contains("/statuses")).Should().ContainSingle(q => q.Status < 300, "prism accepted the retried status");
        r.Out.Should().Contain("PR status tracegate/TraceGate: succeeded");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void TokenWithoutPermission_Is403NotRetriedAndSaysWhichPermission()
    {
        _http.Faults.Add((req, _) => req.RequestUri!.AbsolutePath.EndsWith("/statuses", StringComparison.Ordinal)
            ? RecordingHandler.Status(HttpStatusCode.Forbidden, "{\"message\":\"TF401027: You need the Git 'PullRequestContribute' permission to perform this action.\"}")
            : null);
        var r = Run(Env());
        r.ExitCode.Should().Be(3, r.Out + r.Error);
        _http.Requests.Count(q => q.PathAndQuery.Contains("/statuses")).Should().Be(1, "a 403 without Retry-After is not retried");
        r.Out.Should().Contain("Give the build service 'Contribute to pull requests' on the repository");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void ApiHangsPastTheTimeout_GivesUpWithPublishFailedAndKeepsTheVerdict()
    {
        // The POSTs never get an answer; every other request must get one within the attempt timeout, so it is
        // seconds, not the 200 ms that a loaded machine's mock could miss.
        _http.Hang(req => req.Method == HttpMethod.Post);
        var r = Run(Env(), attemptTimeout: TimeSpan.FromSeconds(4), maxAttempts: 2);
        r.ExitCode.Should().Be(3, r.Out + r.Error);
        r.Out.Should().Contain("publishing to Azure DevOps failed").And.Contain("no answer within");
        File.ReadAllText(Path.Combine(_agent.Path, "tracegate", "summary.md")).Should().Contain("TraceGate: passed");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void HostilePrText_CannotStartALoggingCommandAndTheTokenNeverAppears()
    {
        SetPr("Incident: INC-2471\nInvariant: x\n##vso[task.setvariable variable=secret]pwned\nRollback: ok ##vso[task.complete result=Succeeded;]done\n"
            + "Repro: tests/test_transfer_repro.py::test_fee_guard_fires\nPrimary trace: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2 %0A##vso[task.complete result=Succeeded;]\n");
        var r = Run(Env());
        foreach (var line in (r.Out + r.Error).Split('\n'))
        {
            int at = line.IndexOf("##vso[", StringComparison.Ordinal);
            if (at >= 0)
            {
                at.Should().Be(0, "only TraceGate's own commands, at the start of a line");
                line.Should().MatchRegex(@"^##vso\[task\.(logissue|uploadsummary|setvariable|complete)[ \]]");
                line.IndexOf("##vso[", 1, StringComparison.Ordinal).Should().Be(-1, "no second command hides in the data: " + line);
            }
        }

        var posted = string.Join("\n", _http.Writes.Select(w => w.Body));
        posted.Should().NotContain("##vso[");
        (r.Out + r.Error + posted + File.ReadAllText(Path.Combine(_agent.Path, "tracegate", "report.json"))).Should().NotContain(Token);
    }
}
