using TraceGate.Cli.Inputs;
using TraceGate.Cli.Settings;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.Pipeline;

namespace TraceGate.Cli.Hosts;

/// <summary>The host side of a run: resolves settings, reads every input, runs the gates. Throws
/// <see cref="UserInputException"/> for anything the user must fix.</summary>
public static class CheckRunner
{
    public sealed record Loaded(TraceGateSettings Settings, GatePolicy Policy, Report Report);

    /// <summary>Evidence a host fetched itself (the PR and its commits from an API) instead of from files;
    /// <paramref name="MessagesSource"/> names where the messages came from in an error.</summary>
    public sealed record FetchedEvidence(string? PrBody, IReadOnlyList<string>? Messages, IReadOnlyList<string>? CommitIds, string MessagesSource)
    {
        /// <summary>The facts the PR object gave (title, branch, author, and labels where it holds them).</summary>
        public PullRequestFacts Facts { get; init; } = PullRequestFacts.None;

        /// <summary>Asks the API for the labels, called only when the policy reads them; null and a reason when
        /// the API did not answer.</summary>
        public Func<(IReadOnlyList<string>? Labels, string? Missing)>? ListLabels { get; init; }

        /// <summary>Asks the API for the changed files, called only when a condition names paths.</summary>
        public Func<(ChangedFiles? Files, string? Missing)>? ListChangedFiles { get; init; }
    }

    /// <param name="settings">What the CI configuration says (options, <c>TRACEGATE_*</c>, action or task inputs);
    /// over a proof directory's files, over the policy's globs.</param>
    public static Loaded Run(RunContext ctx, TraceGateSettings settings, FetchedEvidence? fetched = null)
    {
        string workspaceDir = ctx.Resolve(settings.Workspace);
        if (!Directory.Exists(workspaceDir))
        {
            throw new UserInputException($"--workspace {settings.Workspace}: no such directory");
        }

        var workspace = new FileWorkspace(workspaceDir);
        var policy = LoadPolicy(ctx, workspaceDir, settings.Policy);

        // A proof's files are this run's inputs in place of the policy's globs; the command line, the environment and
        // the action's inputs still win.
        var proofDir = ProofDirectory.Find(workspaceDir, settings.Proof, ctx.Resolve);
        IReadOnlyList<string>? headResults = null, headTraces = null, baseTraces = null, baseResults = null;
        if (proofDir is not null)
        {
            // Under --repeat every run's file is named: the runs' traces pool into the side's sample, and the runs'
            // results are judged one by one (ProofGate).
            IReadOnlyList<string> Rel(string side, IReadOnlyList<string> files) => files.Select(file =>
            {
                var full = proofDir.Path(side, file);
                if (!workspace.Contains(Path.GetDirectoryName(full)!))
                {
                    throw new UserInputException($"--proof {settings.Proof}: the proof directory must be inside the workspace ({workspaceDir})");
                }

                return Path.GetRelativePath(workspaceDir, full).Replace('\\', '/');
            }).ToList();

            headResults = Rel("head", proofDir.ResultsFiles("head"));
            headTraces = Rel("head", proofDir.TracesFiles("head"));
            baseTraces = Rel("baseline", proofDir.TracesFiles("baseline"));
            baseResults = Rel("baseline", proofDir.ResultsFiles("baseline"));
        }

        // Options, TRACEGATE_* and action/task inputs win over a proof directory's files, which win over the policy file's globs.
        var testResults = settings.TestResults ?? headResults ?? (policy.IsDefault ? [] : policy.Tests.Results);
        var baselineTestResults = settings.BaselineTestResults ?? baseResults ?? (policy.IsDefault ? [] : policy.Tests.Baseline);
        var traces = settings.Traces ?? headTraces ?? policy.Traces.Files;
        var baseline = settings.Baseline ?? baseTraces ?? policy.Traces.Baseline;

        string? prBody = settings.PrBody is { } prPath
            ? InputFiles.ReadText(ctx.Resolve(prPath), InputFiles.MaxPrBodyBytes, "PR description")
            : fetched?.PrBody;

        IReadOnlyList<string>? messages = fetched?.Messages;
        IReadOnlyList<string>? ids = fetched?.CommitIds;
        if (settings.Commits is not null && settings.GitRange is not null)
        {
            throw new UserInputException("--commits and --git-range both name the commits: give one");
        }

        if (settings.Commits is { } cp)
        {
            messages = InputFiles.SplitCommits(InputFiles.ReadText(ctx.Resolve(cp), InputFiles.MaxCommitsBytes, "commit messages"));
        }
        else if (settings.GitRange is { } range)
        {
            (ids, messages) = GitLog.Read(workspaceDir, range);
            InputFiles.CheckCommitsSize(messages, $"the commit messages of --git-range {range}");
        }
        else if (fetched?.Messages is { } fetchedMessages)
        {
            InputFiles.CheckCommitsSize(fetchedMessages, fetched.MessagesSource);
        }

        // The trace backend comes from the CI configuration only (never the policy, which the PR can change): a PR
        // must not be able to send the backend's token to a server of its choosing.
        var backend = settings.TraceBackend is { } backendText ? Incidents.TraceBackend.Parse(backendText, "--trace-backend") : null;
        string? token = Incidents.TraceBackend.Token(ctx.Environment, settings.TraceBackendTokenEnv, "--trace-backend-token-env");
        var request = new GateRequest
        {
            Policy = policy,
            Workspace = workspace,
            Files = new CheckoutInputs(workspace, settings.PrTemplate),
            PrBody = prBody,
            CommitMessages = messages,
            CommitIds = ids,
            Facts = Facts(ctx, settings, fetched, policy.Evidence, workspaceDir),
            // Globs the CI configuration gave may leave the checkout; the policy's (from the PR's own branch) never.
            TestResults = new InputGlobs(testResults, settings.TestResults is { Count: > 0 }),
            BaselineTestResults = new InputGlobs(baselineTestResults, settings.BaselineTestResults is { Count: > 0 }),
            Traces = new InputGlobs(traces, settings.Traces is { Count: > 0 }),
            Baseline = new InputGlobs(baseline, settings.Baseline is { Count: > 0 }),
            ProofRuns = proofDir is null ? null : new ProofRuns(proofDir.Baseline, proofDir.Head),
        };
        var tracesPolicy = policy.Traces;
        IncidentTraces Backend(string traceIdText)
        {
            var traceId = Incidents.IncidentExport.ParseTraceId(traceIdText, "the primary trace");
            var answer = new Incidents.TraceBackendClient(backend!, token, new SocketsHttpHandler(), null,
                m => ctx.Error.WriteLine("tracegate: " + Core.Rendering.Untrusted.Line(m))).Fetch(traceId.ToString());
            if (answer.Status != Incidents.BackendStatus.Found)
            {
                return new IncidentTraces(answer.Status == Incidents.BackendStatus.NotFound ? IncidentStatus.NotFound : IncidentStatus.Unreachable,
                    backend!.ToString(), null, answer.Message);
            }

            try
            {
                return IncidentLookup.FromAnswer(tracesPolicy, backend!.ToString(), answer.Body!, traceId);
            }
            catch (Core.Traces.TraceInputException e)
            {
                return new IncidentTraces(IncidentStatus.NotFound, backend!.ToString(), null, "its answer is not a trace: " + e.Message);
            }
        }

        return new Loaded(settings, policy, GatePipeline.Run(request with { IncidentBackend = backend is null ? null : Backend }) with { Tool = ToolVersion.Info });
    }

    /// <summary>The PR's facts: the options and TRACEGATE_* variables first, then what the host read from the API;
    /// labels and changed files are asked for only when the policy reads them.</summary>
    private static PullRequestFacts Facts(RunContext ctx, TraceGateSettings settings, FetchedEvidence? fetched, EvidencePolicy policy, string workspaceDir)
    {
        var host = fetched?.Facts ?? PullRequestFacts.None;
        var missing = new Dictionary<string, string>(host.Missing);
        var labels = settings.Labels ?? host.Labels;
        if (labels is null && policy.NeedsLabels && fetched?.ListLabels is { } listLabels)
        {
            var (listed, why) = listLabels();
            labels = listed;
            if (why is not null)
            {
                missing[FactNames.Labels] = why;
            }
        }

        ChangedFiles? changed = null;
        if (settings.ChangedFiles is { } listPath)
        {
            var text = InputFiles.ReadText(ctx.Resolve(listPath), InputFiles.MaxCommitsBytes, "changed-file list");
            changed = new ChangedFiles(text.Split('\n').Select(l => ChangedFiles.Normalize(l.TrimEnd('\r'))).Where(l => l.Length > 0)
                .Distinct(StringComparer.Ordinal).Select(p => new ChangedFile(p)).ToList());
        }
        else if (policy.NeedsChangedFiles)
        {
            if (settings.GitRange is { } range)
            {
                changed = GitLog.ChangedFiles(workspaceDir, range);
            }
            else if (fetched?.ListChangedFiles is { } listFiles)
            {
                var (listed, why) = listFiles();
                changed = listed;
                if (why is not null)
                {
                    missing[FactNames.ChangedFiles] = why;
                }
            }
        }

        return host with
        {
            Labels = labels,
            Title = settings.Title ?? host.Title,
            Branch = settings.Branch is { } b ? StripRef(b) : host.Branch,
            Author = settings.Author is { } a ? [a] : host.Author,
            ChangedFiles = changed ?? host.ChangedFiles,
            Missing = missing,
        };
    }

    /// <summary>Branch conditions match the short name; hosts and users may give refs/heads/NAME.</summary>
    public static string StripRef(string branch) =>
        branch.StartsWith("refs/heads/", StringComparison.Ordinal) ? branch["refs/heads/".Length..] : branch;

    public static GatePolicy LoadPolicy(RunContext ctx, string workspaceDir, string? explicitPath)
    {
        string path = explicitPath is null ? Path.Combine(workspaceDir, PolicyDefaults.FileName) : ctx.Resolve(explicitPath);
        if (explicitPath is null && !File.Exists(path))
        {
            return PolicyDefaults.Create();
        }

        // Name the policy as the user wrote it; the default one relative to where they stand.
        string display = explicitPath ?? Path.GetRelativePath(ctx.CurrentDirectory, path);
        var text = InputFiles.ReadText(path, InputFiles.MaxPolicyBytes, "policy");
        var result = PolicyLoader.Load(display, text);
        if (result.Policy is null)
        {
            throw new UserInputException(string.Join('\n', result.Errors.Select(e => e.ToString())));
        }

        return result.Policy;
    }
}
