using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using TraceGate.Cli.Publishers;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>
/// The action as the runner runs it: GITHUB_ACTIONS=true, INPUT_* and GITHUB_* variables, a real pull_request
/// webhook payload, and the GitHub REST API served by prism from GitHub's published OpenAPI description, which
/// rejects any request that does not match it.
/// </summary>
[Collection("github-mock")]
public sealed class GitHubActionTests : IDisposable
{
    private const string Token = "ghs_TESTTOKEN0123456789abcdefSECRET";
    private const string PrBody = "Incident: INC-2471\nPrimary trace: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\nInvariant: never negative\nRepro: tests/t.py::test_x\nRollback: revert\n";
    private readonly PrismServer _prism;
    private readonly TempDir _ws = new();
    private readonly TempDir _runner = new();
    private readonly RecordingHandler _http;
    private readonly JsonObject _event = Webhooks.Example("pull_request", "opened");
    private readonly List<TimeSpan> _sleeps = [];

    public GitHubActionTests(PrismServer prism)
    {
        _prism = prism;
        _http = new RecordingHandler(prism.BaseUrl);
        _ws.Write("tests/t.py", "def test_x(): pass\n");
        _ws.Write(".tracegate.yml", "traces:\n  files: ['traces/*.pb']\n  rules:\n    - id: apply-present\n      select: span[name=\"apply\"]\n");
        File.Copy(Repo.Fixture("Traces/Fixtures/payments/good.pb"), _ws.File("traces/run.pb").Also(p => Directory.CreateDirectory(Path.GetDirectoryName(p)!)));
        SetPrBody(PrBody);
    }

    public void Dispose()
    {
        _ws.Dispose();
        _runner.Dispose();
    }

    private int PrNumber => _event["pull_request"]!["number"]!.GetValue<int>();

    private string HeadSha => _event["pull_request"]!["head"]!["sha"]!.GetValue<string>();

    private void SetPrBody(string body) =>
        _http.Overrides[$"/repos/acme/payments/pulls/{PrNumber}"] = new JsonObject { ["number"] = PrNumber, ["body"] = body }.ToJsonString();

    private Dictionary<string, string?> Env(params (string Key, string Value)[] extra)
    {
        var eventPath = _runner.Write("event.json", _event.ToJsonString());
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = eventPath,
            ["GITHUB_REPOSITORY"] = "acme/payments",
            ["GITHUB_WORKSPACE"] = _ws.Path,
            ["GITHUB_API_URL"] = "http://api.github.test",
            ["GITHUB_SERVER_URL"] = "https://github.test",
            ["GITHUB_RUN_ID"] = "4242",
            ["GITHUB_SHA"] = "ffffffffffffffffffffffffffffffffffffffff",
            ["GITHUB_STEP_SUMMARY"] = _runner.File("summary.md"),
            ["GITHUB_OUTPUT"] = _runner.File("output.txt"),
            ["INPUT_TOKEN"] = Token,
            ["INPUT_CHECK-NAME"] = "TraceGate",
            ["INPUT_FAIL-ON"] = "failure",
            ["INPUT_MODE"] = "run",
        };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        return env;
    }

    private CliResult Run(Dictionary<string, string?> env) =>
        CliHarness.RunWithHttp(_ws.Path, env, _http, new RetryPolicy
        {
            BaseDelay = TimeSpan.FromMilliseconds(1),
            AttemptTimeout = TimeSpan.FromSeconds(20),
            Sleep = (d, _) =>
            {
                lock (_sleeps)
                {
                    _sleeps.Add(d);
                }

                return Task.CompletedTask;
            },
        }, "check");

    private static JsonNode Json(RecordedRequest r) => JsonNode.Parse(r.Body!)!;

    /// <summary>The secrets promise, held by every fault case: the token is in no output, report, file the runner
    /// reads back, or request body (it travels only in the Authorization header).</summary>
    private void TokenAppearsNowhere(CliResult r)
    {
        var outputs = new List<(string Where, string Text)> { ("stdout", r.Out), ("stderr", r.Error) };
        foreach (var file in new[] { _runner.File("summary.md"), _runner.File("output.txt"), Path.Combine(_ws.Path, ".tracegate", "report.json") })
        {
            if (File.Exists(file))
            {
                outputs.Add((Path.GetFileName(file), File.ReadAllText(file)));
            }
        }

        outputs.AddRange(_http.Requests.Select(q => ($"{q.Method} {q.PathAndQuery}", q.Body ?? "")));
        outputs.Should().HaveCountGreaterThan(3, "the step summary and the report are written before publishing");
        foreach (var (where, text) in outputs)
        {
            text.Should().NotContain(Token, $"{where} must not hold the token");
        }
    }

    [Fact]
    public void Run_OnPullRequest_ReadsPrAndCommitsAndCompletesASchemaValidCheckRun()
    {
        var r = Run(Env());
        r.ExitCode.Should().Be(0, r.Out + r.Error + string.Join("\n", _http.Requests.Select(q => $"{q.Method} {q.PathAndQuery} {q.Status} {q.ResponseBody?[..Math.Min(300, q.ResponseBody.Length)]}")));
        var requests = _http.Requests;
        requests.Should().OnlyContain(q => q.Status < 300, "prism accepted every request: " + string.Join("\n", requests.Select(q => $"{q.Method} {q.PathAndQuery} {q.Status} {q.ResponseBody}")));
        requests.Select(q => $"{q.Method} {q.PathAndQuery.Split('?')[0]}").Should().ContainInOrder(
            $"GET /repos/acme/payments/pulls/{PrNumber}",
            $"GET /repos/acme/payments/pulls/{PrNumber}/commits",
            $"GET /repos/acme/payments/commits/{HeadSha}/check-runs",
            "POST /repos/acme/payments/check-runs");
        var create = Json(_http.Writes.First());
        create["head_sha"]!.GetValue<string>().Should().Be(HeadSha);
        create["status"]!.GetValue<string>().Should().Be("in_progress");
        create["details_url"]!.GetValue<string>().Should().Be("https://github.test/acme/payments/actions/runs/4242");
        var complete = Json(_http.Writes.Last());
        complete["conclusion"]!.GetValue<string>().Should().Be("success");
        complete["output"]!["summary"]!.GetValue<string>().Should().StartWith("## ✅ TraceGate: passed").And.Contain("INC-2471");
        complete["output"]!["summary"]!.GetValue<string>().Length.Should().BeLessThanOrEqualTo(65_535);
    }

    [Fact]
    public void Run_WritesStepSummaryOutputsAndReport()
    {
        SetPrBody(PrBody.Replace("Rollback: revert\n", ""));
        var r = Run(Env());
        r.ExitCode.Should().Be(1);
        File.ReadAllText(_runner.File("summary.md")).Should().StartWith("## ❌ TraceGate: 1 check failed");
        var output = File.ReadAllText(_runner.File("output.txt"));
        output.Should().MatchRegex("conclusion<<ghadelimiter_[0-9a-f]{32}\nfailure\nghadelimiter_[0-9a-f]{32}\n");
        output.Should().Contain("\nevidence.rollback\n");
        output.Should().Contain(Path.Combine(_ws.Path, ".tracegate", "report.json"));
        File.Exists(Path.Combine(_ws.Path, ".tracegate", "report.json")).Should().BeTrue();
        r.Out.Should().Contain("::error title=TraceGate evidence.rollback::Rollback is missing");
    }

    /// <summary>
    /// A live run whose only undecided check is a timing budget with too few spans (30 apply spans, min-samples 1000):
    /// nothing failed, so the run is inconclusive end to end: the check run completes neutral through prism (validated
    /// against GitHub's API description), the outputs say inconclusive and name the check, the step exits 0.
    /// </summary>
    [Fact]
    public void Run_WhenOnlyATimingBudgetIsInconclusive_CompletesTheCheckRunNeutralAndExitsZero()
    {
        _ws.Write(".tracegate.yml", "traces:\n  files: ['traces/*.pb']\n  rules:\n    - id: apply-latency\n      select: span[name=\"apply\"]\n"
            + "      duration: { p95: '<= 1s' }\n      min-samples: 1000\n");

        var r = Run(Env());

        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("inconclusive  traces.apply-latency").And.Contain("at least 1000 (min-samples) are needed");
        var complete = Json(_http.Writes.Last(w => w.Method == "PATCH"));
        complete["status"]!.GetValue<string>().Should().Be("completed");
        complete["conclusion"]!.GetValue<string>().Should().Be("neutral");
        complete["output"]!["title"]!.GetValue<string>().Should().StartWith("Inconclusive: 1 of ");
        _http.Writes.Should().OnlyContain(w => w.Status < 300, "prism validates the neutral conclusion against GitHub's API description");
        var output = File.ReadAllText(_runner.File("output.txt"));
        output.Should().MatchRegex("conclusion<<ghadelimiter_[0-9a-f]{32}\ninconclusive\n").And.MatchRegex("inconclusive-checks<<ghadelimiter_[0-9a-f]{32}\ntraces.apply-latency\n");
    }

    /// <summary>
    /// A baseline budget that fails, published where Mermaid renders and where it does not: the PR comment and the
    /// step summary draw the xychart of both sides' quantiles, the check run's summary (the Checks tab does not render
    /// Mermaid) carries the text sparkline, all through prism.
    /// </summary>
    [Fact]
    public void Run_FailingBaselineBudget_DrawsTheChartInTheCommentAndStepSummaryAndTheSparklineInTheCheckRun()
    {
        _ws.Write(".tracegate.yml", "traces:\n  files: ['traces/*.pb']\n  baseline: ['baseline/*.pb']\n  rules:\n    - id: apply-latency\n"
            + "      select: span[name=\"apply\"]\n      baseline: { p95: '<= +10%', min-change: 2ms }\n");
        File.Copy(Repo.Fixture("Traces/Fixtures/payments/slow.pb"), _ws.File("traces/run.pb"), overwrite: true);
        File.Copy(Repo.Fixture("Traces/Fixtures/payments/baseline.pb"), _ws.File("baseline/run.pb").Also(p => Directory.CreateDirectory(Path.GetDirectoryName(p)!)));

        var r = Run(Env(("INPUT_COMMENT", "true")));

        r.ExitCode.Should().Be(1, r.Out + r.Error);
        _http.Writes.Should().OnlyContain(w => w.Status < 300, "prism accepted every write");
        const string chart = "```mermaid\nxychart-beta\n    title \"traces.apply-latency p95 - bars baseline n 30, line this run n 30\"\n";
        const string sparkline = "p95\\: quantiles p10 p25 p50 p75 p90 p95 p99 on one scale from 0 to 58.719ms\\: baseline ▂▂▃▃▃▃▃, this run ▅▆▆▇███";
        string comment = Json(_http.Writes.Single(w => w.PathAndQuery == $"/repos/acme/payments/issues/{PrNumber}/comments"))["body"]!.GetValue<string>();
        comment.Should().Contain(chart).And.NotContain(sparkline);
        File.ReadAllText(_runner.File("summary.md")).Should().Contain(chart).And.NotContain(sparkline);
        string checkRun = Json(_http.Writes.Last(w => w.Method == "PATCH"))["output"]!["summary"]!.GetValue<string>();
        checkRun.Should().Contain(sparkline).And.NotContain("```mermaid");
    }

    [Fact]
    public void Run_FailOnNever_ExitsZeroOnAFailedGate()
    {
        SetPrBody("nothing here");
        Run(Env(("INPUT_FAIL-ON", "never"))).ExitCode.Should().Be(0);
        Json(_http.Writes.Last())["conclusion"]!.GetValue<string>().Should().Be("failure");
    }

    [Fact]
    public void Run_ReRunWithTheSameCheckName_UpdatesTheExistingCheckRun()
    {
        // The mock's check-run list for a commit holds one named "mighty_readme" (GitHub's example).
        var r = Run(Env(("INPUT_CHECK-NAME", "mighty_readme")));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _http.Writes.Should().NotContain(w => w.Method == "POST", "a re-run updates the check run instead of stacking a new one");
        _http.Writes.Select(w => w.PathAndQuery).Should().OnlyContain(p => p.StartsWith("/repos/acme/payments/check-runs/", StringComparison.Ordinal));
        Json(_http.Writes.First())["status"]!.GetValue<string>().Should().Be("in_progress");
    }

    [Fact]
    public void Run_MoreThan50Annotations_SendsBatchesOf50()
    {
        var rules = string.Concat(Enumerable.Range(0, 120).Select(i => $"    - id: r{i}\n      select: span[name=\"nope{i}\"]\n"));
        _ws.Write(".tracegate.yml", "traces:\n  files: ['traces/*.pb']\n  rules:\n" + rules);
        var r = Run(Env());
        r.ExitCode.Should().Be(1);
        var patches = _http.Writes.Where(w => w.Method == "PATCH").ToList();
        patches.Select(p => Json(p)["output"]!["annotations"]!.AsArray().Count).Should().Equal(50, 50, 20);
        patches.Should().OnlyContain(p => p.Status < 300);
        var first = Json(patches[0])["output"]!["annotations"]![0]!;
        first["path"]!.GetValue<string>().Should().Be(".tracegate.yml");
        first["start_line"]!.GetValue<int>().Should().Be(4);
        first["annotation_level"]!.GetValue<string>().Should().Be("failure");
    }

    private void FailingRules(int count) => _ws.Write(".tracegate.yml", "traces:\n  files: ['traces/*.pb']\n  rules:\n"
        + string.Concat(Enumerable.Range(0, count).Select(i => $"    - id: r{i}\n      select: span[name=\"nope{i}\"]\n")));

    private static readonly System.Text.RegularExpressions.Regex CheckRunPath = new(@"^/repos/acme/payments/check-runs/\d+$");

    /// <summary>The annotations of each check-run update GitHub accepted (a lost answer's too), in order.</summary>
    private List<int> Delivered() => _http.Requests
        .Where(q => q.Method == "PATCH" && q.Status is >= 200 and < 300 && CheckRunPath.IsMatch(q.PathAndQuery))
        .Select(q => Json(q)["output"]?["annotations"]?.AsArray().Count ?? 0).Where(n => n > 0).ToList();

    /// <summary>GitHub's side of annotations: it appends those of every update it accepted to the ones the check run
    /// held (<paramref name="held"/>), and the check run's <c>output.annotations_count</c> says how many there are.</summary>
    private void CountAnnotationsAsGitHubDoes(int held)
    {
        _http.Rewrites.Add((req, resp) =>
        {
            if (req.Method == HttpMethod.Get && CheckRunPath.IsMatch(req.RequestUri!.AbsolutePath))
            {
                var run = JsonNode.Parse(resp.Content.ReadAsStringAsync().GetAwaiter().GetResult())!;
                run["output"]!["annotations_count"] = held + Delivered().Sum();
                resp.Content = new StringContent(run.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            }
        });
    }

    [Fact]
    public void Run_AnnotationUpdateAppliedButTheAnswerLost_IsNotSentAgain()
    {
        // GitHub appends the annotations of every update: a resent update would list annotations 51 to 100 twice.
        FailingRules(120);
        CountAnnotationsAsGitHubDoes(held: 7);
        int patches = 0;
        _http.AcceptThenFail(req => req.Method == HttpMethod.Patch && ++patches == 2);
        var r = Run(Env());
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        Delivered().Should().Equal([50, 50, 20], "GitHub got each batch once");
        r.Out.Should().Contain("creating the annotations 51 to 100 of check run 4: HTTP 502").And.Contain("the failed attempt did create it; not sent again");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void Run_AnnotationUpdateLostBeforeGitHub_IsSentAgainOnce()
    {
        FailingRules(120);
        CountAnnotationsAsGitHubDoes(held: 0);
        int patches = 0;
        var hits = _http.FailFirst(1, req => req.Method == HttpMethod.Patch && ++patches == 3, "502");
        var r = Run(Env());
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        hits().Should().Be(1);
        Delivered().Should().Equal([50, 50, 20], "the update that never arrived is sent again, once");
        r.Out.Should().Contain("creating the annotations 101 to 120 of check run 4: HTTP 502; retry 1 of 3");
        _http.Writes.Last().Status.Should().BeLessThan(300);
    }

    [Fact]
    public void Run_AnnotationUpdateHitsARateLimit_IsResentAsTheServerRefusedIt()
    {
        // A 429 is the server saying it did nothing: resent at once after retry-after, without looking first.
        FailingRules(60);
        int patches = 0;
        var hits = _http.FailFirst(1, req => req.Method == HttpMethod.Patch && ++patches == 1, "429-retry-after", 3);
        var r = Run(Env());
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        hits().Should().Be(1);
        _sleeps.Should().Equal(TimeSpan.FromSeconds(3));
        Delivered().Should().Equal([50, 10]);
    }

    [Fact]
    public void Run_CommentTrue_PostsOneStickyComment()
    {
        var r = Run(Env(("INPUT_COMMENT", "true")));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        var comment = _http.Writes.Single(w => w.PathAndQuery == $"/repos/acme/payments/issues/{PrNumber}/comments");
        comment.Method.Should().Be("POST");
        comment.Status.Should().BeLessThan(300);
        Json(comment)["body"]!.GetValue<string>().Should().StartWith("<!-- tracegate:TraceGate -->\n## ✅ TraceGate: passed");
    }

    [Fact]
    public void Run_TokenCannotWriteChecks_WarnsAndKeepsTheVerdict()
    {
        _http.Faults.Add((req, _) => req.Method == HttpMethod.Post && req.RequestUri!.AbsolutePath.EndsWith("/check-runs", StringComparison.Ordinal)
            ? RecordingHandler.Status(HttpStatusCode.Forbidden, "{\"message\":\"Resource not accessible by integration\"}")
            : null);
        SetPrBody("nothing");
        var r = Run(Env());
        r.ExitCode.Should().Be(1, "the verdict decides the exit code");
        r.Out.Should().Contain("::warning title=TraceGate::the token cannot write checks").And.Contain("run mode: evaluate on pull_request and mode: publish on workflow_run");
        File.ReadAllText(_runner.File("summary.md")).Should().StartWith("## ❌");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void Run_ServerErrorThenSuccess_Retries()
    {
        int failures = 0;
        _http.Faults.Add((req, _) => req.Method == HttpMethod.Post && failures++ < 2 ? RecordingHandler.Status(HttpStatusCode.BadGateway) : null);
        var r = Run(Env());
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _http.Requests.Count(q => q.Method == "POST").Should().Be(3);
        _sleeps.Should().HaveCount(2);
        r.Out.Should().Contain("HTTP 502; retry 1 of 3");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void Run_CheckRunCreatedButTheAnswerLost_IsFoundNotPostedTwice()
    {
        _http.AcceptThenFail(req => req.Method == HttpMethod.Post && req.RequestUri!.AbsolutePath == "/repos/acme/payments/check-runs",
            $"/repos/acme/payments/commits/{HeadSha}/check-runs",
            (sent, created) => new JsonObject
            {
                ["total_count"] = 1,
                ["check_runs"] = new JsonArray(new JsonObject
                {
                    ["id"] = JsonNode.Parse(created)!["id"]!.GetValue<long>(),
                    ["name"] = JsonNode.Parse(sent)!["name"]!.GetValue<string>(),
                    ["head_sha"] = JsonNode.Parse(sent)!["head_sha"]!.GetValue<string>(),
                    ["status"] = "in_progress",
                }),
            }.ToJsonString());
        var r = Run(Env());
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _http.Requests.Count(q => q.Method == "POST" && q.PathAndQuery == "/repos/acme/payments/check-runs").Should().Be(1, "exactly one check run is created");
        long id = JsonNode.Parse(_http.Requests.Single(q => q.Method == "POST").ResponseBody!)!["id"]!.GetValue<long>();
        var complete = _http.Writes.Last();
        complete.PathAndQuery.Should().Be($"/repos/acme/payments/check-runs/{id}", "the check run the lost answer created is the one completed");
        Json(complete)["conclusion"]!.GetValue<string>().Should().Be("success");
        r.Out.Should().Contain("creating the check run 'TraceGate': HTTP 502; retry 1 of 3").And.Contain("the failed attempt did create it; not sent again");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void Run_CommentCreatedButTheAnswerLost_IsFoundNotPostedTwice()
    {
        string comments = $"/repos/acme/payments/issues/{PrNumber}/comments";
        _http.AcceptThenFail(req => req.Method == HttpMethod.Post && req.RequestUri!.AbsolutePath == comments, comments,
            (sent, created) => new JsonArray(new JsonObject
            {
                ["id"] = JsonNode.Parse(created)!["id"]!.GetValue<long>(),
                ["body"] = JsonNode.Parse(sent)!["body"]!.GetValue<string>(),
            }).ToJsonString());
        var r = Run(Env(("INPUT_COMMENT", "true")));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _http.Requests.Count(q => q.Method == "POST" && q.PathAndQuery == comments).Should().Be(1, "exactly one comment is created");
        _http.Writes.Should().NotContain(w => w.PathAndQuery.StartsWith("/repos/acme/payments/issues/comments/", StringComparison.Ordinal));
        r.Out.Should().Contain($"creating the comment on PR #{PrNumber}: HTTP 502").And.Contain("not sent again");
    }

    [Fact]
    public void Run_SecondaryRateLimit_WaitsForRetryAfter()
    {
        int hits = 0;
        _http.Faults.Add((req, _) => req.Method == HttpMethod.Patch && hits++ == 0
            ? RecordingHandler.Status(HttpStatusCode.Forbidden, "{\"message\":\"You have exceeded a secondary rate limit\"}", TimeSpan.FromSeconds(7))
            : null);
        var r = Run(Env());
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _sleeps.Should().Equal(TimeSpan.FromSeconds(7));
        TokenAppearsNowhere(r);
    }

    /// <summary>The fault cases of the hardening plan: each is retried as documented (exponential backoff, or the
    /// server's retry-after), and the check run is completed once the API answers again.</summary>
    [Theory]
    [InlineData("500", 2, null)]
    [InlineData("502", 1, null)]
    [InlineData("429-retry-after", 1, 5)]
    [InlineData("connection-dropped", 2, null)]
    public void Run_TransientFault_IsRetriedAndTheCheckRunCompletes(string fault, int failures, int? retryAfterSeconds)
    {
        var hits = _http.FailFirst(failures, req => req.Method == HttpMethod.Post, fault, retryAfterSeconds);
        var r = Run(Env());
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        hits().Should().Be(failures);
        _sleeps.Should().HaveCount(failures);
        if (retryAfterSeconds is { } wait)
        {
            _sleeps.Should().Equal(TimeSpan.FromSeconds(wait));
        }

        Json(_http.Writes.Last())["conclusion"]!.GetValue<string>().Should().Be("success");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void Run_ApiFailsEveryTime_ExitsPublishFailedWithTheVerdictWrittenFirst()
    {
        _http.Faults.Add((req, _) => req.Method == HttpMethod.Post ? RecordingHandler.Status(HttpStatusCode.InternalServerError) : null);
        var r = Run(Env());
        r.ExitCode.Should().Be(3, r.Out + r.Error);
        r.Error.Should().Contain("publishing to GitHub failed");
        File.ReadAllText(_runner.File("summary.md")).Should().StartWith("## ✅ TraceGate: passed");
        File.Exists(Path.Combine(_ws.Path, ".tracegate", "report.json")).Should().BeTrue();
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void Run_ApiHangsPastTheTimeout_GivesUpWithPublishFailedAndKeepsTheVerdict()
    {
        // The POST never gets an answer; every other request must get one within the attempt timeout, so it is
        // seconds, not the 200 ms that a loaded machine's mock could miss (and a sleeping fault that then let the
        // request through could beat a late timer and create the check run after all).
        var env = Env();
        _http.Hang(req => req.Method == HttpMethod.Post);
        var r = CliHarness.RunWithHttp(_ws.Path, env, _http, new RetryPolicy { MaxAttempts = 2, AttemptTimeout = TimeSpan.FromSeconds(4), Sleep = (_, _) => Task.CompletedTask }, "check");
        r.ExitCode.Should().Be(3, r.Out + r.Error);
        r.Error.Should().Contain("publishing to GitHub failed").And.Contain("The verdict is in the step summary");
        r.Out.Should().Contain("no answer within 4 s");
        _http.Requests.Count(q => q.Method == "POST").Should().Be(2, "the POST is tried twice, looking for what the first made in between");
        File.ReadAllText(_runner.File("summary.md")).Should().StartWith("## ✅ TraceGate: passed");
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void Run_CheckRunAnswerWithoutAnId_IsAnInternalErrorAfterTheVerdictIsWritten()
    {
        // GitHub accepted the check run but its answer lacks the id TraceGate reads: not the user's input (it was exit 2).
        _http.Overrides["/repos/acme/payments/check-runs"] = "{\"name\":\"TraceGate\"}";
        var r = Run(Env());
        r.ExitCode.Should().Be(4, r.Out + r.Error);
        var errorLines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        errorLines.Should().ContainSingle().Which.Should().MatchRegex("^tracegate: internal error: KeyNotFoundException: .*; please report it with this output$");
        r.Error.Should().NotContain("   at ", "one line, not a stack trace");
        File.ReadAllText(_runner.File("summary.md")).Should().StartWith("## ✅ TraceGate: passed", "the verdict was reached and written first");
        File.Exists(Path.Combine(_ws.Path, ".tracegate", "report.json")).Should().BeTrue();
        TokenAppearsNowhere(r);
    }

    [Fact]
    public void Run_TokenCannotReadThePr_IsAnInputErrorNamingTheRequest()
    {
        _http.Faults.Add((req, _) => req.RequestUri!.AbsolutePath == $"/repos/acme/payments/pulls/{PrNumber}"
            ? RecordingHandler.Status(HttpStatusCode.NotFound, "{\"message\":\"Not Found\"}")
            : null);
        var r = Run(Env());
        r.ExitCode.Should().Be(2, r.Out + r.Error);
        r.Error.Should().Contain($"tracegate: error: reading PR #{PrNumber} from the GitHub API failed").And.Contain("pull-requests: read");
        _http.Writes.Should().BeEmpty();
    }

    [Fact]
    public void Run_HostilePrText_StaysInertEverywhereAndTheTokenNeverAppears()
    {
        var hostile = "Incident: INC-2471\n::set-output name=conclusion::success\n::add-mask::x\n::stop-commands::abc\n%0A::error::smuggled\n"
            + "Invariant: <script>alert(1)</script> @octocat @acme/admins ${{ secrets.GITHUB_TOKEN }} $(curl evil) ##vso[task.complete result=Succeeded]\n"
            + "Rollback: ::warning::x\n";
        SetPrBody(hostile);
        var r = Run(Env());
        r.ExitCode.Should().Be(1);
        var summary = File.ReadAllText(_runner.File("summary.md"));
        var checkRun = string.Join("\n", _http.Writes.Select(w => w.Body));
        foreach (var line in (r.Out + r.Error).Split('\n'))
        {
            if (line.StartsWith("::", StringComparison.Ordinal))
            {
                line.Should().MatchRegex(@"^::(error|warning) (file=[^,:]+,line=\d+,)?title=TraceGate[^:]*::", "only TraceGate's own annotations are commands");
            }
        }

        (r.Out + r.Error).Should().NotContain("\n::set-output").And.NotContain("\n::add-mask").And.NotContain("\n::stop-commands").And.NotContain("##vso[");
        foreach (var text in new[] { summary, checkRun })
        {
            text.Should().NotContain("<script").And.NotContain("@octocat").And.NotContain("@acme/admins").And.NotContain("##vso[");
        }

        foreach (var text in new[] { r.Out, r.Error, summary, checkRun, File.ReadAllText(_runner.File("output.txt")), File.ReadAllText(Path.Combine(_ws.Path, ".tracegate", "report.json")) })
        {
            text.Should().NotContain(Token);
        }
    }

    [Fact]
    public void Evaluate_WritesTheArtifactAndNeverWritesToTheApi()
    {
        var r = Run(Env(("INPUT_MODE", "evaluate")));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _http.Writes.Should().BeEmpty();
        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(_ws.Path, "tracegate-artifact", "event.json")))!;
        meta["head_sha"]!.GetValue<string>().Should().Be(HeadSha);
        meta["pull_number"]!.GetValue<int>().Should().Be(PrNumber);
        File.Exists(Path.Combine(_ws.Path, "tracegate-artifact", "report.json")).Should().BeTrue();
    }

    [Fact]
    public void Publish_OnWorkflowRun_PostsTheEvaluatedVerdictToTheHeadCommit()
    {
        SetPrBody("nothing");
        Run(Env(("INPUT_MODE", "evaluate"))).ExitCode.Should().Be(1);
        var workflowRun = Webhooks.Example("workflow_run", "completed");
        workflowRun["workflow_run"]!["head_sha"] = HeadSha;
        var env = Env(("INPUT_MODE", "publish"), ("GITHUB_EVENT_NAME", "workflow_run"), ("GITHUB_EVENT_PATH", _runner.Write("wr.json", workflowRun.ToJsonString())));
        var r = Run(env);
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        var create = _http.Writes.Single(w => w.Method == "POST");
        Json(create)["head_sha"]!.GetValue<string>().Should().Be(HeadSha);
        Json(_http.Writes.Last())["conclusion"]!.GetValue<string>().Should().Be("failure");
        _http.Writes.Should().OnlyContain(w => w.Status < 300);
    }

    /// <summary>
    /// An artifact whose report has an inconclusive check and no failure (what a budget with too few samples gives):
    /// the check run completes neutral, the outputs say inconclusive and name the check, and the step exits 0.
    /// </summary>
    [Fact]
    public void Publish_InconclusiveReport_CompletesTheCheckRunNeutralAndExitsZero()
    {
        Run(Env(("INPUT_MODE", "evaluate"))).ExitCode.Should().Be(0);
        var path = Path.Combine(_ws.Path, "tracegate-artifact", "report.json");
        var report = JsonNode.Parse(File.ReadAllText(path))!;
        var check = report["checks"]!.AsArray().First(c => c!["outcome"]!.GetValue<string>() == "pass")!;
        check["outcome"] = "inconclusive";
        string id = check["id"]!.GetValue<string>();
        report["conclusion"] = "inconclusive";
        File.WriteAllText(path, report.ToJsonString());
        var workflowRun = Webhooks.Example("workflow_run", "completed");
        workflowRun["workflow_run"]!["head_sha"] = HeadSha;
        var r = Run(Env(("INPUT_MODE", "publish"), ("GITHUB_EVENT_NAME", "workflow_run"), ("GITHUB_EVENT_PATH", _runner.Write("wr.json", workflowRun.ToJsonString()))));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        var complete = Json(_http.Writes.Last(w => w.Method == "PATCH"));
        complete["conclusion"]!.GetValue<string>().Should().Be("neutral");
        complete["output"]!["title"]!.GetValue<string>().Should().StartWith("Inconclusive: 1 of ");
        _http.Writes.Should().OnlyContain(w => w.Status < 300, "prism validates the neutral conclusion against GitHub's API description");
        File.ReadAllText(_runner.File("output.txt")).Should().Contain("inconclusive").And.Contain(id);
    }

    [Fact]
    public void Publish_ArtifactForAnotherCommit_IsRefused()
    {
        Run(Env(("INPUT_MODE", "evaluate"))).ExitCode.Should().Be(0);
        var workflowRun = Webhooks.Example("workflow_run", "completed");
        workflowRun["workflow_run"]!["head_sha"] = "0000000000000000000000000000000000000001";
        var r = Run(Env(("INPUT_MODE", "publish"), ("GITHUB_EVENT_NAME", "workflow_run"), ("GITHUB_EVENT_PATH", _runner.Write("wr.json", workflowRun.ToJsonString()))));
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("refusing to publish");
        _http.Writes.Should().BeEmpty();
    }

    /// <summary>A real workflow_run payload (webhooks-examples) made into a fork's: its head repository's owner and
    /// branch are the fork's, and it runs for <paramref name="headSha"/>.</summary>
    private string ForkWorkflowRun(string headSha)
    {
        var workflowRun = Webhooks.Example("workflow_run", "completed");
        workflowRun["workflow_run"]!["head_sha"] = headSha;
        workflowRun["workflow_run"]!["head_branch"] = "fix-fee";
        workflowRun["workflow_run"]!["head_repository"]!["owner"]!["login"] = "forker";
        workflowRun["workflow_run"]!["pull_requests"] = new JsonArray();
        return _runner.Write("wr.json", workflowRun.ToJsonString());
    }

    /// <summary>What GitHub answers to the open-pull-request search by head.</summary>
    private void ServeOpenPulls(params (int Number, string Sha)[] prs) =>
        _http.Overrides["/repos/acme/payments/pulls"] = new JsonArray(prs.Select(p => (JsonNode)new JsonObject
        {
            ["number"] = p.Number,
            ["state"] = "open",
            ["head"] = new JsonObject { ["sha"] = p.Sha, ["ref"] = "fix-fee", ["label"] = "forker:fix-fee" },
        }).ToArray()).ToJsonString();

    private void ClaimPullNumber(int number)
    {
        var path = Path.Combine(_ws.Path, "tracegate-artifact", "event.json");
        var meta = JsonNode.Parse(File.ReadAllText(path))!;
        meta["pull_number"] = number;
        File.WriteAllText(path, meta.ToJsonString());
    }

    [Fact]
    public void Publish_ForkArtifactNamingAnotherPr_CommentsOnlyOnThePrGitHubFindsForTheRunsHead()
    {
        Run(Env(("INPUT_MODE", "evaluate"))).ExitCode.Should().Be(0);
        ClaimPullNumber(1);
        ServeOpenPulls((PrNumber, HeadSha));
        var r = Run(Env(("INPUT_MODE", "publish"), ("INPUT_COMMENT", "true"), ("GITHUB_EVENT_NAME", "workflow_run"), ("GITHUB_EVENT_PATH", ForkWorkflowRun(HeadSha))));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _http.Requests.Should().Contain(q => q.Method == "GET" && q.PathAndQuery.StartsWith("/repos/acme/payments/pulls?", StringComparison.Ordinal)
            && q.PathAndQuery.Contains("state=open") && q.PathAndQuery.Contains("head=forker%3Afix-fee") && q.Status < 300);
        _http.Writes.Should().NotContain(w => w.PathAndQuery.StartsWith("/repos/acme/payments/issues/1/", StringComparison.Ordinal), "the artifact's pull_number is not believed");
        _http.Writes.Should().ContainSingle(w => w.Method == "POST" && w.PathAndQuery == $"/repos/acme/payments/issues/{PrNumber}/comments");
        r.Out.Should().Contain($"the artifact names pull request #1, but the open pull request from forker:fix-fee at {HeadSha[..12]} is #{PrNumber}");
        _http.Writes.Should().OnlyContain(w => w.Status < 300);
    }

    [Fact]
    public void Publish_WhenNoOpenPrHasTheRunsHeadCommit_PostsTheCheckRunOnlyAndSaysWhy()
    {
        Run(Env(("INPUT_MODE", "evaluate"))).ExitCode.Should().Be(0);
        ServeOpenPulls((PrNumber, "0123456789abcdef0123456789abcdef01234567"));
        var r = Run(Env(("INPUT_MODE", "publish"), ("INPUT_COMMENT", "true"), ("GITHUB_EVENT_NAME", "workflow_run"), ("GITHUB_EVENT_PATH", ForkWorkflowRun(HeadSha))));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        _http.Writes.Should().NotContain(w => w.PathAndQuery.Contains("/comments"), "no PR is proven to be the run's");
        _http.Writes.Should().Contain(w => w.Method == "POST" && w.PathAndQuery == "/repos/acme/payments/check-runs");
        r.Out.Should().Contain($"::warning title=TraceGate::no comment: no open pull request from forker:fix-fee has head commit {HeadSha[..12]} (the artifact's pull_number {PrNumber} is not trusted). The check run is posted.");
    }

    [Fact]
    public void Publish_ArtifactWithAHostileCheckId_IsAnInputErrorNamingTheMemberAndPostsNothing()
    {
        Run(Env(("INPUT_MODE", "evaluate"))).ExitCode.Should().Be(0);
        var path = Path.Combine(_ws.Path, "tracegate-artifact", "report.json");
        var report = JsonNode.Parse(File.ReadAllText(path))!;
        report["checks"]![0]!["id"] = "traces.x\n::set-output name=conclusion::success";
        File.WriteAllText(path, report.ToJsonString());
        var r = Run(Env(("INPUT_MODE", "publish"), ("GITHUB_EVENT_NAME", "workflow_run"), ("GITHUB_EVENT_PATH", ForkWorkflowRun(HeadSha))));
        r.ExitCode.Should().Be(2, r.Out + r.Error);
        r.Error.Should().Contain("tracegate-artifact/report.json: $.checks[0].id: 'traces.x ::set-output name=conclusion::success' is not a check id");
        (r.Out + r.Error).Split('\n').Should().NotContain(l => l.TrimStart().StartsWith("::set-output", StringComparison.Ordinal));
        _http.Writes.Should().BeEmpty();
    }

    [Fact]
    public void Run_WhenTheCommitsFromTheApiAreOverSixteenMiB_IsAnInputErrorNamingTheApi()
    {
        // Two commits of 9 MiB of trailer lines each: the same 16 MiB cap as a --commits file.
        string message = "fix: the fee guard\n\n" + string.Concat(Enumerable.Repeat("INC: INC-2471\n", (9 * 1024 * 1024) / 14));
        var commits = new JsonArray(
            new JsonObject { ["sha"] = new string('a', 40), ["commit"] = new JsonObject { ["message"] = message } },
            new JsonObject { ["sha"] = new string('b', 40), ["commit"] = new JsonObject { ["message"] = message } });
        _http.Overrides[$"/repos/acme/payments/pulls/{PrNumber}/commits"] = commits.ToJsonString();

        var r = Run(Env());

        r.ExitCode.Should().Be(2, r.Out + r.Error);
        r.Error.Should().Contain($"the commit messages of PR #{PrNumber} read from the GitHub API are 18,874,3").And.Contain("over the 16 MiB limit");
        _http.Writes.Should().BeEmpty("nothing is judged, so nothing is posted");
    }

    [Fact]
    public void Inputs_WithBadValues_ExitTwoNamingTheInput()
    {
        var r = Run(Env(("INPUT_FAIL-ON", "sometimes")));
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("input fail-on is 'sometimes': expected failure or never");
    }
}

internal static class FluentExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
