using System.Text.Json;
using TraceGate.Cli.Inputs;
using TraceGate.Cli.Publishers;
using TraceGate.Cli.Publishers.GitHub;
using TraceGate.Cli.Settings;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// <c>tracegate check</c> inside GitHub Actions (GITHUB_ACTIONS=true, no option given): everything comes from the
/// runner's environment (INPUT_*, GITHUB_*, the event file), so the container and a test that sets the same
/// environment behave identically. Mode run reads the PR, gates and posts a check run (and a comment); mode
/// evaluate gates and writes the verdict as an artifact; mode publish posts an artifact's verdict.
/// </summary>
public sealed class GitHubActionsHost(Func<HttpMessageHandler>? handlerFactory = null, RetryPolicy? retry = null) : IPlatform
{
    public const string ArtifactDir = "tracegate-artifact";
    private const int MaxEventBytes = 25 * 1024 * 1024;

    private ActionInputs _inputs = null!;
    private GitHubApi? _api;
    private string _owner = "";
    private string _repo = "";
    private string _workspace = "";
    private JsonElement _event;
    private string _eventName = "";
    private string? _detailsUrl;
    private string _headSha = "";
    private int? _number;
    private int? _claimedPr;

    public static bool Applies(IReadOnlyDictionary<string, string?> env) => env.GetValueOrDefault("GITHUB_ACTIONS") == "true";

    public bool FailOnFailure => _inputs.FailOnFailure;

    public PlatformInput Read(RunContext ctx)
    {
        var env = ctx.Environment;
        _inputs = ActionInputs.From(env);
        _workspace = env.GetValueOrDefault("GITHUB_WORKSPACE") is { Length: > 0 } ws ? ws : ctx.CurrentDirectory;
        (_owner, _repo) = Repository(env);
        var apiUrl = new Uri(env.GetValueOrDefault("GITHUB_API_URL") is { Length: > 0 } u ? u : "https://api.github.com");
        _event = ReadEvent(env);
        _eventName = env.GetValueOrDefault("GITHUB_EVENT_NAME") ?? "";
        string token = _inputs.Token;
        _api = token.Length > 0
            ? new GitHubApi(apiUrl, token, new RetryHandler(handlerFactory?.Invoke() ?? new SocketsHttpHandler(), retry ?? new RetryPolicy(), m => ctx.Out.WriteLine("tracegate: " + Tokens.Scrub(m, token))))
            : null;
        _detailsUrl = env.GetValueOrDefault("GITHUB_SERVER_URL") is { } server && env.GetValueOrDefault("GITHUB_RUN_ID") is { } runId
            ? $"{server.TrimEnd('/')}/{_owner}/{_repo}/actions/runs/{runId}"
            : null;

        // Only the user's input is exit 2. An answer of an unexpected shape (JsonException, KeyNotFoundException,
        // InvalidOperationException) is an internal error (exit 4), left to CliApp: it is not the user's mistake.
        return _inputs.Mode == "publish" ? ReadArtifact(ctx) : ReadPullRequest(ctx);
    }

    /// <summary>The report under .tracegate (in mode evaluate, with event.json in the artifact folder), the step
    /// summary (up to 1 MiB, with Mermaid charts), annotations and $GITHUB_OUTPUT.</summary>
    public LocalOutputs Outputs(RunContext ctx, Report report)
    {
        var env = ctx.Environment;
        bool evaluate = _inputs.Mode == "evaluate";
        return new LocalOutputs
        {
            Report = new OutputFile(Path.Combine(_workspace, evaluate ? ArtifactDir : ".tracegate", "report.json")),
            Summary = env.GetValueOrDefault("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary
                ? new SummaryFile(new OutputFile(summary), Append: true, Limit: 1_000_000, Mermaid: true)
                : null,
            Commands = new GitHubStepCommands(env.GetValueOrDefault("GITHUB_OUTPUT") is { Length: > 0 } output ? output : null),
            // What the publish step needs, written next to the report: upload the folder as an artifact.
            Artifacts = evaluate ? [(Path.Combine(_workspace, ArtifactDir, "event.json"), ArtifactEvent())] : [],
            After = evaluate ? [$"tracegate: mode evaluate: wrote {ArtifactDir}/report.json and event.json; upload {ArtifactDir} as an artifact for the publish workflow"] : [],
        };
    }

    private string ArtifactEvent() => JsonText.Object(w =>
    {
        w.WriteString("repository", $"{_owner}/{_repo}");
        w.WriteString("head_sha", _headSha);
        if (_number is { } num)
        {
            w.WriteNumber("pull_number", num);
        }

        w.WriteString("check_name", _inputs.CheckName);
    }, indented: true);

    public bool Publish(RunContext ctx, Report report)
    {
        switch (_inputs.Mode)
        {
            case "evaluate":
                return true;
            case "publish":
                int? number = null;
                if (_inputs.Comment)
                {
                    var run = WorkflowRun();
                    number = TrustedPullRequest(ctx, new GitHubPullRequests(_api!, _owner, _repo), run, _headSha, _claimedPr, _inputs.Token);
                }

                return PublishAll(ctx, _inputs, _api!, _owner, _repo, _headSha, number, report, _detailsUrl);
            default:
                bool published = _api is null || _headSha.Length == 0 || PublishAll(ctx, _inputs, _api, _owner, _repo, _headSha, _number, report, _detailsUrl);
                if (_api is null)
                {
                    ctx.Out.WriteLine(WorkflowCommands.Warning("no token: the verdict is in the step summary and the exit code, but no check run was posted (set the token input)"));
                }

                return published;
        }
    }

    public void Complete(RunContext ctx, Report report, int exitCode)
    {
    }

    /// <summary>Nothing to release: Octokit's connection lives as long as the process.</summary>
    public void Dispose()
    {
    }

    private PlatformInput ReadPullRequest(RunContext ctx)
    {
        var pr = _event.ValueKind == JsonValueKind.Object && _event.TryGetProperty("pull_request", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        _headSha = ctx.Environment.GetValueOrDefault("GITHUB_SHA") ?? "";
        if (pr.ValueKind == JsonValueKind.Object)
        {
            // The event file is the runner's input: a payload without these is an input error naming them.
            _number = pr.TryGetProperty("number", out var n) && n.TryGetInt32(out int num) ? num
                : throw new UserInputException("GITHUB_EVENT_PATH: pull_request.number is not a number");
            _headSha = pr.TryGetProperty("head", out var head) && head.ValueKind == JsonValueKind.Object && head.TryGetProperty("sha", out var sha) && sha.ValueKind == JsonValueKind.String
                ? sha.GetString()!
                : throw new UserInputException("GITHUB_EVENT_PATH: pull_request.head.sha is missing");
        }

        CheckRunner.FetchedEvidence? fetched = null;
        if (_number is { } prNumber)
        {
            fetched = FetchEvidence(ctx, _inputs, _api is null ? null : new GitHubPullRequests(_api, _owner, _repo), prNumber, pr);
        }

        var given = ActionInputs.SettingsLayer(ctx.Environment);
        given["workspace"] = _workspace;
        return new PlatformInput(ctx with { CurrentDirectory = _workspace }, TraceGateSettings.Bind(ctx.Environment, given), fetched);
    }

    private PlatformInput ReadArtifact(RunContext ctx)
    {
        if (_api is null)
        {
            throw new UserInputException("mode publish needs the token input (with checks: write)");
        }

        // The artifact was written by a run the PR controls: it is validated like any input (exit 2 naming the
        // member), and nothing in it is believed that decides where TraceGate writes.
        string dir = Path.Combine(_workspace, ArtifactDir);
        var reportText = InputFiles.ReadText(Path.Combine(dir, "report.json"), 16 * 1024 * 1024, "evaluate step's report");
        var metaText = InputFiles.ReadText(Path.Combine(dir, "event.json"), 64 * 1024, "evaluate step's event");
        Report report;
        try
        {
            report = JsonReportReader.Read(reportText);
        }
        catch (JsonReportException e)
        {
            throw new UserInputException($"{ArtifactDir}/report.json: {e.Message}: the artifact is not a TraceGate report this version can publish");
        }

        (_headSha, _claimedPr) = ReadArtifactEvent(metaText);
        var run = WorkflowRun();
        // Post only to the commit this workflow_run is about.
        if (run.ValueKind == JsonValueKind.Object && EventText(run, "head_sha") is { } runSha && runSha != _headSha)
        {
            throw new UserInputException($"{ArtifactDir}/event.json names commit {_headSha}, but this workflow_run is for {runSha}: refusing to publish");
        }

        return new PlatformInput(ctx, new TraceGateSettings()) { Verdict = report };
    }

    private JsonElement WorkflowRun() =>
        _eventName == "workflow_run" && _event.ValueKind == JsonValueKind.Object && _event.TryGetProperty("workflow_run", out var wr) && wr.ValueKind == JsonValueKind.Object ? wr : default;

    /// <summary>event.json as the evaluate step writes it; its head commit must be a commit id.</summary>
    private static (string HeadSha, int? PullNumber) ReadArtifactEvent(string text)
    {
        JsonElement meta;
        try
        {
            meta = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 4 }).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{ArtifactDir}/event.json: line {e.LineNumber + 1}: not JSON: {e.Message}");
        }

        if (meta.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"{ArtifactDir}/event.json: $: expected an object");
        }

        string headSha = meta.TryGetProperty("head_sha", out var h) && h.ValueKind == JsonValueKind.String && h.GetString() is { Length: 40 } sha && sha.All(char.IsAsciiHexDigitLower)
            ? sha
            : throw new UserInputException($"{ArtifactDir}/event.json: $.head_sha: expected a commit id of 40 lowercase hex digits");
        int? number = null;
        if (meta.TryGetProperty("pull_number", out var pn))
        {
            number = pn.ValueKind == JsonValueKind.Number && pn.TryGetInt32(out int n) && n > 0 ? n
                : throw new UserInputException($"{ArtifactDir}/event.json: $.pull_number: expected a pull request number");
        }

        return (headSha, number);
    }

    /// <summary>
    /// The pull request to comment on, found from what GitHub says, never from the artifact: a fork's run could name
    /// any PR of the repository. On workflow_run, the open PR whose head is the run's head repository owner and
    /// branch (for forks <c>workflow_run.pull_requests</c> is empty and <c>commits/{sha}/pulls</c> answers []), and
    /// only when its head commit is the run's. Null, with a warning saying why, when there is none.
    /// </summary>
    private static int? TrustedPullRequest(RunContext ctx, GitHubPullRequests pulls, JsonElement run, string headSha, int? claimed, string token)
    {
        string claim = claimed is { } c ? $"the artifact's pull_number {c} is not trusted" : "the artifact names no pull request";
        string? headOwner = run.ValueKind == JsonValueKind.Object && run.TryGetProperty("head_repository", out var hr) && hr.ValueKind == JsonValueKind.Object
            && hr.TryGetProperty("owner", out var ho) && ho.ValueKind == JsonValueKind.Object ? EventText(ho, "login") : null;
        string? headBranch = run.ValueKind == JsonValueKind.Object ? EventText(run, "head_branch") : null;
        if (headOwner is null || headBranch is null)
        {
            ctx.Out.WriteLine(WorkflowCommands.Warning($"no comment: the event is not a workflow_run with a head repository and branch, so the pull request cannot be found ({claim}). The check run is posted."));
            return null;
        }

        List<JsonElement> open;
        try
        {
            open = pulls.OpenFrom(headOwner, headBranch).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is Octokit.ApiException or HttpRequestException)
        {
            ctx.Out.WriteLine(WorkflowCommands.Warning($"no comment: listing the open pull requests from {Untrusted.Line(headOwner, 100)}:{Untrusted.Line(headBranch, 200)} failed ({Untrusted.Line(Tokens.Scrub(e.Message, token), 300)}). The check run is posted."));
            return null;
        }

        foreach (var pr in open)
        {
            if (pr.ValueKind == JsonValueKind.Object && pr.TryGetProperty("head", out var head) && head.ValueKind == JsonValueKind.Object
                && EventText(head, "sha") == headSha && pr.TryGetProperty("number", out var n) && n.TryGetInt32(out int number))
            {
                if (claimed is { } said && said != number)
                {
                    ctx.Out.WriteLine(WorkflowCommands.Warning($"the artifact names pull request #{said}, but the open pull request from {Untrusted.Line(headOwner, 100)}:{Untrusted.Line(headBranch, 200)} at {headSha[..12]} is #{number}: commenting on #{number}"));
                }

                return number;
            }
        }

        ctx.Out.WriteLine(WorkflowCommands.Warning($"no comment: no open pull request from {Untrusted.Line(headOwner, 100)}:{Untrusted.Line(headBranch, 200)} has head commit {headSha[..12]} ({claim}). The check run is posted."));
        return null;
    }

    private static string? EventText(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static CheckRunner.FetchedEvidence FetchEvidence(RunContext ctx, ActionInputs inputs, GitHubPullRequests? pulls, int number, JsonElement pr)
    {
        string? eventBody = pr.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : "";
        if (pulls is null)
        {
            return new CheckRunner.FetchedEvidence(eventBody, null, null, "the event payload")
            {
                Facts = Facts(pr) with
                {
                    Missing = new Dictionary<string, string> { [Core.Gates.FactNames.ChangedFiles] = "the changed files cannot be listed without a token (set the token input)" },
                },
            };
        }

        // The event holds the description as it was when the event fired; people edit it and re-run.
        JsonElement fresh;
        List<string> ids;
        List<string> messages;
        try
        {
            fresh = pulls.Get(number).GetAwaiter().GetResult();
            (ids, messages) = pulls.Commits(number, PlatformRunner.MaxCommits).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is Octokit.ApiException or HttpRequestException)
        {
            // The PR is input that cannot be read: a token without pull-requests: read, or an API that stayed down
            // through the retries. The user can act on it, so exit 2 with what was asked and what came back.
            throw new UserInputException($"reading PR #{number} from the GitHub API failed: {Tokens.Scrub(e.Message, inputs.Token)} (the token needs pull-requests: read)");
        }

        string? body = fresh.TryGetProperty("body", out var fb) && fb.ValueKind == JsonValueKind.String ? fb.GetString() : "";
        ctx.Out.WriteLine($"tracegate: read PR #{number} and its {messages.Count} commits from the API");
        int? total = fresh.TryGetProperty("changed_files", out var cf) && cf.TryGetInt32(out int count) ? count : null;
        return new CheckRunner.FetchedEvidence(body, messages, ids, $"the commit messages of PR #{number} read from the GitHub API")
        {
            // Labels, title, head branch and author as they are now: a labeled event re-runs with the new label.
            Facts = Facts(fresh.ValueKind == JsonValueKind.Object ? fresh : pr),
            ListChangedFiles = () => ChangedFiles(ctx, inputs, pulls, number, total),
        };
    }

    /// <summary>GET /repos/{o}/{r}/pulls/{n}/files, every page. GitHub lists at most 3,000 files; more (by the PR's
    /// changed_files count) means the list is cut, which a condition on paths then treats as undecided.</summary>
    private static (Core.Gates.ChangedFiles? Files, string? Missing) ChangedFiles(RunContext ctx, ActionInputs inputs, GitHubPullRequests pulls, int number, int? total)
    {
        try
        {
            var files = pulls.Files(number, PlatformRunner.MaxChangedFiles).GetAwaiter().GetResult();
            bool cut = total is { } t ? t > files.Count : files.Count >= PlatformRunner.MaxChangedFiles;
            ctx.Out.WriteLine($"tracegate: read {files.Count} changed files from the API" + (cut ? $" (GitHub lists at most {PlatformRunner.MaxChangedFiles:N0}; the pull request has {total?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "more"})" : ""));
            return (new Core.Gates.ChangedFiles(files) { Truncated = cut, Total = total }, null);
        }
        catch (Exception e) when (e is HttpRequestException or Octokit.ApiException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return (null, $"the GitHub API did not list the changed files (GET /{pulls.FilesPath(number)}): {Tokens.Scrub(e.Message, inputs.Token)}");
        }
    }

    /// <summary>Labels, title, head branch and author from a pull request object (the API's or the event's).</summary>
    private static Core.Gates.PullRequestFacts Facts(JsonElement pr)
    {
        static string? Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var labels = pr.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Array
            ? l.EnumerateArray().Select(x => Str(x, "name")).OfType<string>().ToList()
            : null;
        return new Core.Gates.PullRequestFacts
        {
            Labels = labels,
            Title = Str(pr, "title"),
            Branch = pr.TryGetProperty("head", out var h) ? Str(h, "ref") : null,
            Author = pr.TryGetProperty("user", out var u) && Str(u, "login") is { } login ? [login] : null,
            Missing = labels is null ? new Dictionary<string, string> { [Core.Gates.FactNames.Labels] = "the pull request object holds no labels" } : new Dictionary<string, string>(),
        };
    }

    /// <summary>Check run, then comment. A token that cannot write (a fork's) is a warning, not a crash.</summary>
    private static bool PublishAll(RunContext ctx, ActionInputs inputs, GitHubApi api, string owner, string repo, string headSha, int? number,
        Report report, string? detailsUrl)
    {
        var publisher = new GitHubPublisher(api, owner, repo);
        try
        {
            long id = publisher.StartCheckRun(inputs.CheckName, headSha, detailsUrl).GetAwaiter().GetResult();
            publisher.CompleteCheckRun(id, report, null).GetAwaiter().GetResult();
            ctx.Out.WriteLine($"tracegate: check run '{Untrusted.Line(inputs.CheckName, 100)}' completed on {headSha[..Math.Min(12, headSha.Length)]}: {report.Conclusion.ToString().ToLowerInvariant()}");
            if (inputs.Comment && number is { } n)
            {
                publisher.UpsertComment(n, inputs.CheckName, report).GetAwaiter().GetResult();
                ctx.Out.WriteLine($"tracegate: comment updated on PR #{n}");
            }

            return true;
        }
        catch (Octokit.ForbiddenException e)
        {
            ctx.Out.WriteLine(WorkflowCommands.Warning(
                $"the token cannot write checks ({Tokens.Scrub(e.Message, inputs.Token)}): this is usual for pull requests from forks. The verdict is in the step summary and the exit code. "
                + "To post it, run mode: evaluate on pull_request and mode: publish on workflow_run (see the README)."));
            return true;
        }
        catch (Exception e) when (e is Octokit.ApiException or HttpRequestException)
        {
            ctx.Error.WriteLine("tracegate: error: publishing to GitHub failed: " + Untrusted.Line(Tokens.Scrub(e.Message, inputs.Token), 500)
                + ". The verdict is in the step summary and the JSON report.");
            return false;
        }
    }

    private static (string Owner, string Repo) Repository(IReadOnlyDictionary<string, string?> env)
    {
        var full = env.GetValueOrDefault("GITHUB_REPOSITORY") ?? "";
        var parts = full.Split('/');
        if (parts.Length != 2 || parts.Any(x => x.Length == 0))
        {
            throw new UserInputException($"GITHUB_REPOSITORY is '{full}': expected owner/name");
        }

        return (parts[0], parts[1]);
    }

    private static JsonElement ReadEvent(IReadOnlyDictionary<string, string?> env)
    {
        if (env.GetValueOrDefault("GITHUB_EVENT_PATH") is not { Length: > 0 } path)
        {
            return default;
        }

        var text = InputFiles.ReadText(path, MaxEventBytes, "event payload (GITHUB_EVENT_PATH)");
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: line {e.LineNumber + 1}: the event payload is not JSON: {e.Message}");
        }
    }
}
