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

    public static Loaded Run(RunContext ctx, IReadOnlyDictionary<string, string?> commandLine, FetchedEvidence? fetched = null)
    {
        // Settings first without the policy layer: they say where the workspace and the policy are.
        var early = TraceGateSettings.From(TraceGateSettings.Builder(new Dictionary<string, string?>(), ctx.Environment, commandLine).Build());
        string workspaceDir = ctx.Resolve(early.Workspace);
        if (!Directory.Exists(workspaceDir))
        {
            throw new UserInputException($"--workspace {early.Workspace}: no such directory");
        }

        var workspace = new FileWorkspace(workspaceDir);
        var policy = LoadPolicy(ctx, workspaceDir, early.Policy);
        var policyLayer = new Dictionary<string, string?>();
        if (!policy.IsDefault && policy.Tests.Results.Count > 0)
        {
            policyLayer["test-results"] = TraceGateSettings.JoinList(policy.Tests.Results);
        }

        if (policy.Traces.Files.Count > 0)
        {
            policyLayer["traces"] = TraceGateSettings.JoinList(policy.Traces.Files);
        }

        if (policy.Traces.Baseline.Count > 0)
        {
            policyLayer["baseline"] = TraceGateSettings.JoinList(policy.Traces.Baseline);
        }

        if (!policy.IsDefault && policy.Tests.Baseline.Count > 0)
        {
            policyLayer["baseline-test-results"] = TraceGateSettings.JoinList(policy.Tests.Baseline);
        }

        // A proof's files are this run's inputs in place of the policy's globs; the command line, the environment and
        // the action's inputs still win.
        var proofDir = ProofDirectory.Find(workspaceDir, early.Proof, ctx.Resolve);
        if (proofDir is not null)
        {
            string Rel(string side, string file)
            {
                var full = proofDir.Path(side, file);
                if (!workspace.Contains(Path.GetDirectoryName(full)!))
                {
                    throw new UserInputException($"--proof {early.Proof}: the proof directory must be inside the workspace ({workspaceDir})");
                }

                return Path.GetRelativePath(workspaceDir, full).Replace('\\', '/');
            }

            policyLayer["test-results"] = Rel("head", ProofDirectory.ResultsFile);
            policyLayer["traces"] = Rel("head", ProofDirectory.TracesFile);
            policyLayer["baseline"] = Rel("baseline", ProofDirectory.TracesFile);
            policyLayer["baseline-test-results"] = Rel("baseline", ProofDirectory.ResultsFile);
        }

        var settings = TraceGateSettings.From(TraceGateSettings.Builder(policyLayer, ctx.Environment, commandLine).Build());

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

        var request = new GateRequest
        {
            Policy = policy,
            Workspace = workspace,
            Files = new CheckoutInputs(workspace, settings.PrTemplate),
            PrBody = prBody,
            CommitMessages = messages,
            CommitIds = ids,
            Facts = Facts(ctx, settings, fetched, policy.Evidence, workspaceDir),
            TestResults = new InputGlobs(settings.TestResults, FromCi(ctx, commandLine, "test-results")),
            BaselineTestResults = new InputGlobs(settings.BaselineTestResults, FromCi(ctx, commandLine, "baseline-test-results")),
            Traces = new InputGlobs(settings.Traces, FromCi(ctx, commandLine, "traces")),
            Baseline = new InputGlobs(settings.Baseline, FromCi(ctx, commandLine, "baseline")),
            ProofRuns = proofDir is null ? null : new ProofRuns(proofDir.Baseline, proofDir.Head),
        };
        return new Loaded(settings, policy, GatePipeline.Run(request) with { Tool = ToolVersion.Info });
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

    /// <summary>A list setting came from the CI configuration (the command line, an action or task input, or a
    /// <c>TRACEGATE_*</c> variable), not from the policy file: its globs may then leave the checkout.</summary>
    private static bool FromCi(RunContext ctx, IReadOnlyDictionary<string, string?> commandLine, string key) =>
        commandLine.TryGetValue(key, out var v) && v is { Length: > 0 }
        || ctx.Environment.TryGetValue("TRACEGATE_" + key.ToUpperInvariant().Replace('-', '_'), out var e) && e is { Length: > 0 };

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
