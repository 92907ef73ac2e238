using TraceGate.Cli.Inputs;
using TraceGate.Cli.Publishers;
using TraceGate.Cli.Publishers.Azure;
using TraceGate.Cli.Settings;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// <c>tracegate check</c> inside Azure Pipelines (TF_BUILD=True, no option given): the task's INPUT_* variables and
/// the agent's predefined variables give everything. On a PR build it reads the PR and its commits with the REST API
/// (7.1), runs every gate, posts a PR status and keeps one comment thread. On any other build it runs the trace gates
/// and says that evidence was skipped.
/// </summary>
public sealed class AzurePipelinesHost(Func<HttpMessageHandler>? handlerFactory = null, RetryPolicy? retry = null) : IPlatform
{
    private ActionInputs _inputs = null!;
    private AzureDevOpsApi? _api;
    private string _workspace = "";
    private bool _isPr;
    private string _token = "";
    private bool _comment;
    private int _prId;

    public static bool Applies(IReadOnlyDictionary<string, string?> env) =>
        string.Equals(env.GetValueOrDefault("TF_BUILD"), "True", StringComparison.OrdinalIgnoreCase);

    public bool FailOnFailure => _inputs.FailOnFailure;

    public PlatformInput Read(RunContext ctx)
    {
        var env = ctx.Environment;
        _inputs = ActionInputs.From(env);
        _workspace = Var(env, "BUILD_SOURCESDIRECTORY") ?? Var(env, "SYSTEM_DEFAULTWORKINGDIRECTORY") ?? ctx.CurrentDirectory;
        _isPr = string.Equals(Var(env, "BUILD_REASON"), "PullRequest", StringComparison.OrdinalIgnoreCase);
        string token = _token = _inputs.Token.Length > 0 ? _inputs.Token : Var(env, "SYSTEM_ACCESSTOKEN") ?? "";
        _comment = ActionInputs.Read(env, "comment") is not { Length: > 0 } || _inputs.Comment;

        CheckRunner.FetchedEvidence? fetched = null;
        if (_isPr)
        {
            if (!int.TryParse(Var(env, "SYSTEM_PULLREQUEST_PULLREQUESTID"), out int prId))
            {
                throw new UserInputException("BUILD_REASON is PullRequest but SYSTEM_PULLREQUEST_PULLREQUESTID is not a number");
            }

            _prId = prId;
            if (token.Length == 0)
            {
                throw new UserInputException("SYSTEM_ACCESSTOKEN is not set: map it into the step, e.g. env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }, "
                    + "and allow the build service to contribute to pull requests");
            }

            var collection = Var(env, "SYSTEM_COLLECTIONURI") ?? throw new UserInputException("SYSTEM_COLLECTIONURI is not set: run inside Azure Pipelines");
            var project = Var(env, "SYSTEM_TEAMPROJECT") ?? throw new UserInputException("SYSTEM_TEAMPROJECT is not set");
            var repository = Var(env, "BUILD_REPOSITORY_ID") ?? throw new UserInputException("BUILD_REPOSITORY_ID is not set");
            var api = _api = new AzureDevOpsApi(new Uri(collection), project, repository, token,
                new RetryHandler(handlerFactory?.Invoke() ?? new SocketsHttpHandler(), retry ?? new RetryPolicy(),
                    m => ctx.Out.WriteLine("tracegate: " + Tokens.Scrub(m, token))));
            System.Text.Json.JsonElement pr;
            List<(string Id, string Message)> commits;
            try
            {
                pr = api.PullRequest(prId).GetAwaiter().GetResult();
                commits = api.Commits(prId, PlatformRunner.MaxCommits).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is AzureDevOpsException or HttpRequestException)
            {
                // The PR is input that cannot be read (a token without access, an API down through the retries): exit 2.
                throw new UserInputException("reading the pull request failed: " + Tokens.Scrub(e.Message, token));
            }

            string body = pr.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "";
            fetched = new CheckRunner.FetchedEvidence(body, commits.Select(c => c.Message).ToList(), commits.Select(c => c.Id).ToList(),
                $"the commit messages of pull request {prId} read from the Azure DevOps API")
            {
                Facts = Facts(pr),
                ListLabels = () => Ask(() => api.Labels(prId).GetAwaiter().GetResult(), $"the labels of pull request {prId}", token),
                ListChangedFiles = () =>
                {
                    var (files, missing) = Ask(() => api.Changes(prId, PlatformRunner.MaxChangedFiles).GetAwaiter().GetResult(), $"the changed files of pull request {prId}", token);
                    if (files is not null)
                    {
                        ctx.Out.WriteLine($"tracegate: read {files.Files.Count} changed files of the last iteration from the API" + (files.Truncated ? $" (cut at {PlatformRunner.MaxChangedFiles})" : ""));
                    }

                    return (files, missing);
                },
            };
            ctx.Out.WriteLine($"tracegate: read pull request {prId} and its {commits.Count} commits from the API");
        }

        var given = ActionInputs.SettingsLayer(env);
        given["workspace"] = _workspace;
        return new PlatformInput(ctx with { CurrentDirectory = _workspace }, TraceGateSettings.Bind(env, given), fetched);
    }

    /// <summary>The report and summary under the agent's temporary folder (the summary attached to the run, up to
    /// 1 MiB), logissue annotations and output variables.</summary>
    public LocalOutputs Outputs(RunContext ctx, Report report)
    {
        string dir = Path.Combine(Var(ctx.Environment, "AGENT_TEMPDIRECTORY") ?? Path.Combine(_workspace, ".tracegate"), "tracegate");
        return new LocalOutputs
        {
            Before = _isPr ? [] : [$"tracegate: this build is not for a pull request (BUILD_REASON={Untrusted.Line(Var(ctx.Environment, "BUILD_REASON") ?? "unset", 50)}): trace gates ran, evidence was skipped"],
            Report = new OutputFile(Path.Combine(dir, "report.json")),
            Summary = new SummaryFile(new OutputFile(Path.Combine(dir, "summary.md")), Limit: 1_000_000),
            Commands = new AzureStepCommands(),
        };
    }

    public bool Publish(RunContext ctx, Report report) =>
        _api is null || _inputs.Mode == "evaluate" || Publish(ctx, _api, _prId, _inputs, _comment, report, _token);

    public void Complete(RunContext ctx, Report report, int exitCode) =>
        ctx.Out.WriteLine(LoggingCommands.Complete(exitCode == ExitCodes.Success, AzureDevOpsPublisher.Title(report)));

    public void Dispose() => _api?.Dispose();

    private static bool Publish(RunContext ctx, AzureDevOpsApi api, int prId, ActionInputs inputs, bool comment, Report report, string token)
    {
        var env = ctx.Environment;
        string? targetUrl = Var(env, "SYSTEM_COLLECTIONURI") is { } c && Var(env, "SYSTEM_TEAMPROJECT") is { } p && Var(env, "BUILD_BUILDID") is { } b
            ? $"{c.TrimEnd('/')}/{Uri.EscapeDataString(p)}/_build/results?buildId={Uri.EscapeDataString(b)}"
            : null;
        var publisher = new AzureDevOpsPublisher(api);
        try
        {
            publisher.PostStatus(prId, inputs.CheckName, report, targetUrl).GetAwaiter().GetResult();
            ctx.Out.WriteLine($"tracegate: PR status tracegate/{Untrusted.Line(inputs.CheckName, 100)}: {AzureDevOpsPublisher.State(report)}");
            if (comment)
            {
                publisher.UpsertThread(prId, inputs.CheckName, report).GetAwaiter().GetResult();
                ctx.Out.WriteLine("tracegate: comment thread updated");
            }

            return true;
        }
        catch (Exception e) when (e is AzureDevOpsException or HttpRequestException)
        {
            ctx.Out.WriteLine(LoggingCommands.Warning("publishing to Azure DevOps failed: " + Tokens.Scrub(e.Message, token)
                + (e is AzureDevOpsException { Status: 401 or 403 } ? ". Give the build service 'Contribute to pull requests' on the repository." : "")
                + " The verdict is in the summary and the JSON report."));
            ctx.Error.WriteLine("tracegate: error: publishing to Azure DevOps failed: " + Untrusted.Line(Tokens.Scrub(e.Message, token), 500));
            return false;
        }
    }

    /// <summary>Title, source branch and author from the PR object.</summary>
    private static Core.Gates.PullRequestFacts Facts(System.Text.Json.JsonElement pr)
    {
        static string? Str(System.Text.Json.JsonElement e, string name) =>
            e.ValueKind == System.Text.Json.JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
        var author = pr.ValueKind == System.Text.Json.JsonValueKind.Object && pr.TryGetProperty("createdBy", out var c)
            ? new[] { Str(c, "uniqueName"), Str(c, "displayName") }.OfType<string>().Where(n => n.Length > 0).ToList()
            : [];
        return new Core.Gates.PullRequestFacts
        {
            Title = Str(pr, "title"),
            Branch = Str(pr, "sourceRefName") is { } source ? CheckRunner.StripRef(source) : null,
            Author = author.Count > 0 ? author : null,
        };
    }

    /// <summary>A fact from the API, or null and what went wrong: evidence.scope then fails saying so.</summary>
    private static (T? Value, string? Missing) Ask<T>(Func<T> call, string what, string token)
        where T : class
    {
        try
        {
            return (call(), null);
        }
        catch (Exception e) when (e is AzureDevOpsException or HttpRequestException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return (null, $"the Azure DevOps API did not give {what}: {Tokens.Scrub(e.Message, token)}");
        }
    }

    private static string? Var(IReadOnlyDictionary<string, string?> env, string name) => env.GetValueOrDefault(name) is { Length: > 0 } v ? v : null;
}
