using TraceGate.Cli.Inputs;
using TraceGate.Cli.Settings;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.TestResults;

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

        var hostChecks = new List<Check>();
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

        var facts = Facts(ctx, settings, fetched, policy.Evidence, workspaceDir);
        bool tracesWanted = settings.Traces.Count > 0 || policy.Traces.Rules.Count > 0;
        // Facts alone (a feature PR with no description) are enough to decide that no evidence is needed.
        bool evidenceGiven = prBody is not null || messages is not null || (!policy.Evidence.Scope.IsEverything && facts.AnyKnown);
        if (!evidenceGiven && !tracesWanted && policy.Evidence.Sources.Count > 0 && policy.Evidence.Fields.Count > 0)
        {
            throw new UserInputException("no evidence to check: pass --pr-body FILE and/or --commits FILE or --git-range BASE..HEAD");
        }

        if (!evidenceGiven)
        {
            hostChecks.Add(new Check("evidence", Outcome.Skip, "no PR description or commits were given: evidence was not checked"));
        }

        if (tracesWanted)
        {
            hostChecks.AddRange(TraceRunner.Run(workspace, policy.Traces, settings.Traces, settings.Baseline,
                FromCi(ctx, commandLine, "traces"), FromCi(ctx, commandLine, "baseline")));
        }

        IReadOnlyList<Core.Evidence.PrTemplate> templates = [];
        if (prBody is not null)
        {
            if (settings.PrTemplate is { } templatePath)
            {
                templates = [PrTemplateFiles.Read(workspace, templatePath)];
            }
            else
            {
                (templates, var skipped) = PrTemplateFiles.Discover(workspace);
                if (skipped.Count > 0)
                {
                    hostChecks.Add(new Check("evidence.pr-template", Outcome.Warn,
                        $"{skipped.Count} PR template(s) lead outside the checkout and were not read: {string.Join(", ", skipped)}")
                    {
                        Hint = "A PR template is read from the checkout only; replace the link with the file.",
                    });
                }
            }
        }

        IReadOnlyList<TestCaseResult>? cases = null;
        var resultFiles = new List<string>();
        if (settings.TestResults.Count > 0)
        {
            bool fromCi = FromCi(ctx, commandLine, "test-results");
            (cases, resultFiles, var unmatched, var refused) = ReadResults(workspace, settings.TestResults, fromCi);
            AddRefused(hostChecks, refused);
            foreach (var glob in unmatched)
            {
                hostChecks.Add(new Check("tests.results", Outcome.Fail, $"no test result files matched '{glob}'" + (fromCi ? "" : " in the workspace"))
                {
                    Hint = "Check that the test step wrote its JUnit XML or TRX where tests.results (or --test-results) points.",
                });
            }
        }

        ProofInputs? proof = null;
        if (settings.BaselineTestResults.Count > 0)
        {
            var (baselineCases, baselineFiles, unmatched, refused) = ReadResults(workspace, settings.BaselineTestResults, FromCi(ctx, commandLine, "baseline-test-results"));
            AddRefused(hostChecks, refused);
            proof = new ProofInputs
            {
                BaselineCases = baselineFiles.Count > 0 ? baselineCases : null,
                BaselineFiles = baselineFiles,
                BaselineRun = proofDir?.Baseline ?? (baselineFiles.Count == 0
                    ? new ProofRunInfo(null, null, null) { ResultsProblem = $"no file matched {string.Join(", ", unmatched.Select(g => $"'{g}'"))} in the workspace" }
                    : null),
                HeadRun = proofDir?.Head,
                UnmatchedBaselineGlobs = proofDir is null ? unmatched : [],
            };
        }

        string? traceLink = policy.Evidence.Fields.FirstOrDefault(f => f.Kind == FieldKind.TraceId && f.Link is not null)?.Link;
        if (!evidenceGiven)
        {
            policy = policy with { Evidence = policy.Evidence with { Fields = [], Sources = [], Scope = ScopePolicy.Everything } };
        }

        var inputs = new EvidenceInputs
        {
            PrBody = prBody,
            CommitMessages = messages,
            CommitIds = ids,
            TestCases = cases,
            TestResultFiles = resultFiles,
            Workspace = workspace,
            PrTemplates = templates,
            Facts = facts,
            Flaky = policy.Tests.Flaky,
        };
        return new Loaded(settings, policy, GateRun.Evaluate(policy, inputs, hostChecks, traceLink, proof) with { Tool = ToolVersion.Info });
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

    private static (List<TestCaseResult> Cases, List<string> Files, IReadOnlyList<string> Unmatched, IReadOnlyList<(string Glob, string File)> Refused) ReadResults(
        FileWorkspace workspace, IReadOnlyList<string> globs, bool fromCi)
    {
        var found = InputFiles.Glob(workspace, globs, fromCi);
        var all = new List<TestCaseResult>();
        var shown = new List<string>();
        foreach (var file in found.Files)
        {
            string display = InputFiles.Display(workspace, file);
            using var stream = File.OpenRead(file);
            var read = TestResultsReader.Read(display, stream);
            if (read.Error is { } error)
            {
                throw new UserInputException(error.ToString());
            }

            all.AddRange(read.Cases);
            shown.Add(display);
        }

        return (all, shown, found.Unmatched, found.Refused);
    }

    private static void AddRefused(List<Check> hostChecks, IReadOnlyList<(string Glob, string File)> refused)
    {
        foreach (var (glob, file) in refused)
        {
            hostChecks.Add(new Check("tests.results", Outcome.Fail,
                $"'{glob}' matched {file}, which resolves outside the checkout (a symbolic link?): refused, not read")
            {
                Hint = "Globs from the policy file stay inside the checkout; give a path outside it with --test-results (or TRACEGATE_TEST_RESULTS, or the action/task input).",
            });
        }
    }

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
