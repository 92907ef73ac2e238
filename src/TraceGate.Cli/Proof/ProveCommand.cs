using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TraceGate.Cli.Hosts;
using TraceGate.Cli.Inputs;
using TraceGate.Core.Evidence;
using TraceGate.Core.Gates;
using TraceGate.Core.Policy;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Proof;

public sealed record ProveOptions(string Base, IReadOnlyList<string> Command)
{
    public string Workspace { get; init; } = ".";
    public string? Policy { get; init; }
    public string? PrBody { get; init; }
    public string? Commits { get; init; }
    public string? GitRange { get; init; }
    public string? Repro { get; init; }
    public IReadOnlyList<string> Tests { get; init; } = [];
    /// <summary>Null: <c>.tracegate/proof</c> in the workspace, where <c>tracegate check</c> finds it.</summary>
    public string? Out { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Runs per side, interleaved (base, head, base, head …), from 1 to <see cref="ProofDirectory.MaxRepeat"/>.</summary>
    public int Repeat { get; init; } = 1;
}

/// <summary>
/// <c>tracegate prove</c>: runs the repro on the base commit (a worktree, with the head's test files laid over it)
/// and then on the head, each with an in-process OTLP/HTTP receiver, and writes what <c>tracegate check</c> judges
/// in <c>proof.repro</c>. With <c>--repeat N</c> it runs base, head, base, head … N times each, so that both samples
/// share whatever the runner's load does meanwhile. Exit 0 when every run finished, whatever the tests said; 2 for
/// usage and git errors.
/// </summary>
public static partial class ProveCommand
{
    [GeneratedRegex(@"\{(repro\.file|repro\.name|repro|results)\}")]
    private static partial Regex Placeholder();

    /// <summary>Replaces {repro}, {repro.file}, {repro.name} and {results} in each argument.</summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> command, TestRef repro, string results) =>
        command.Select(a => Placeholder().Replace(a, m => m.Groups[1].Value switch
        {
            "repro" => repro.ToString(),
            "repro.file" => repro.Path,
            "repro.name" => repro.Name,
            _ => results,
        })).ToList();

    /// <summary>Reads --repeat: a whole number from 1 to <see cref="ProofDirectory.MaxRepeat"/>.</summary>
    public static int ParseRepeat(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= ProofDirectory.MaxRepeat
            ? n
            : throw new UserInputException($"--repeat '{Untrusted.Line(text)}': expected a whole number of runs per side from 1 to {ProofDirectory.MaxRepeat}");

    public static int Run(RunContext ctx, ProveOptions options)
    {
        if (options.Repeat is < 1 or > ProofDirectory.MaxRepeat)
        {
            throw new UserInputException($"--repeat {options.Repeat}: expected a whole number of runs per side from 1 to {ProofDirectory.MaxRepeat}");
        }

        if (options.Command.Count == 0 || options.Command[0].Trim().Length == 0)
        {
            throw new UserInputException("no command to run: give it after --, e.g. tracegate prove --base origin/main -- npm test -- --test-reporter-destination={results}");
        }

        if (options.Command[0].StartsWith('-'))
        {
            // Tokens the parser did not know end up in the command: a misspelt option must not be run as a program.
            throw new UserInputException($"unknown option '{Untrusted.Line(options.Command[0])}' for tracegate prove (the command to run goes after --)");
        }

        string workspaceDir = ctx.Resolve(options.Workspace);
        if (!Directory.Exists(workspaceDir))
        {
            throw new UserInputException($"--workspace {options.Workspace}: no such directory");
        }

        var repoProbe = new GitRunner(workspaceDir).Run("rev-parse", "--show-toplevel", "--show-prefix");
        if (repoProbe.ExitCode != 0)
        {
            throw new UserInputException($"--workspace {options.Workspace}: not inside a git repository: {repoProbe.FirstErrorLine}");
        }

        var lines = repoProbe.Out.Split('\n');
        var git = new GitRunner(lines[0].Trim());
        string prefix = lines.Length > 1 ? lines[1].Trim() : "";
        string baseCommit = ResolveBase(git, options.Base);
        string headCommit = git.Required("HEAD", "rev-parse", "--verify", "HEAD^{commit}");
        var workspace = new FileWorkspace(workspaceDir);
        var policy = CheckRunner.LoadPolicy(ctx, workspaceDir, options.Policy);
        var repro = FindRepro(ctx, options, workspaceDir, workspace, policy);
        if (workspace.Probe(repro.Path) != Core.Evidence.PathState.Exists)
        {
            throw new UserInputException($"the repro's file '{repro.Path}' is not in the workspace ({workspaceDir}): the head must hold the repro test");
        }

        var tests = options.Tests.Count > 0 ? options.Tests : policy.Proof.Tests;
        var laid = InputFiles.Glob(workspace, tests, out var unmatched);
        foreach (var glob in unmatched)
        {
            ctx.Error.WriteLine($"tracegate: warning: --tests '{Untrusted.Line(glob)}' matched no file in the workspace");
        }

        string outDir = options.Out is { } o ? ctx.Resolve(o) : Path.Combine(workspaceDir, ProofDirectory.DefaultPath);
        if (File.Exists(outDir))
        {
            throw new UserInputException($"--out {options.Out}: is a file, expected a directory");
        }

        string worktreePath = BaseWorktree.PathFor(workspaceDir);
        if (BaseWorktree.RemoveLeftover(git, worktreePath))
        {
            ctx.Out.WriteLine($"tracegate: removed the worktree an earlier run left at {worktreePath}");
        }

        foreach (var side in new[] { "baseline", "head" })
        {
            var dir = Path.Combine(outDir, side);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        using var interrupted = new CancellationTokenSource();
        int signal = 0;
        void OnSignal(PosixSignalContext c, int code)
        {
            c.Cancel = true;
            signal = code;
            interrupted.Cancel();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => OnSignal(c, 143));
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => OnSignal(c, 130));
        try
        {
            int repeat = options.Repeat;
            ctx.Out.WriteLine($"tracegate: proving {Untrusted.Line(repro.ToString())}: baseline {baseCommit[..12]} ({Untrusted.Line(options.Base)}), head {headCommit[..12]}"
                + (repeat == 1 ? "" : $", {repeat} runs of each, interleaved"));
            var files = laid.Select(f => Path.GetRelativePath(workspaceDir, f)).Prepend(repro.Path).Distinct(StringComparer.Ordinal).ToList();
            string baseline = Path.Combine(outDir, "baseline");
            string head = Path.Combine(outDir, "head");
            var baselineRuns = new List<SideRun.Outcome>();
            var headRuns = new List<SideRun.Outcome>();
            for (int run = 1; run <= repeat; run++)
            {
                // A fresh worktree per baseline run: a run cannot leave state (a written file, a cache) for the next,
                // and the head never runs beside a worktree its test discovery could walk into.
                using (var worktree = BaseWorktree.Create(git, worktreePath, baseCommit))
                {
                    string baseWorkspace = Path.Combine(worktree.Path, prefix);
                    Directory.CreateDirectory(baseWorkspace);
                    foreach (var rel in files)
                    {
                        var target = Path.Combine(baseWorkspace, rel);
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        File.Copy(Path.Combine(workspaceDir, rel), target, overwrite: true);
                    }

                    if (run == 1)
                    {
                        ctx.Out.WriteLine($"tracegate: baseline: laid {files.Count} test file(s) of the head over {baseCommit[..12]}: {Untrusted.Line(string.Join(", ", files), 1000)}");
                    }

                    baselineRuns.Add(SideRun.Run(ctx, "baseline", run, repeat, baseWorkspace, baseline,
                        Expand(options.Command, repro, Path.Combine(baseline, ProofDirectory.ResultsName(run, repeat))), options.Timeout, interrupted.Token));
                }

                headRuns.Add(SideRun.Run(ctx, "head", run, repeat, workspaceDir, head,
                    Expand(options.Command, repro, Path.Combine(head, ProofDirectory.ResultsName(run, repeat))), options.Timeout, interrupted.Token));
            }

            SideRun.WriteRecord(baseline, "baseline", baseCommit, baselineRuns);
            SideRun.WriteRecord(head, "head", headCommit, headRuns);
            string shown = Path.GetRelativePath(ctx.CurrentDirectory, outDir) is var relOut && !relOut.StartsWith("..", StringComparison.Ordinal) ? relOut : outDir;
            ctx.Out.WriteLine($"tracegate: wrote {shown}/baseline and {shown}/head; judge them with: tracegate check --proof {shown}");
            if (baselineRuns.Concat(headRuns).FirstOrDefault(r => r.TimedOut) is { } stopped)
            {
                // A run stopped at its limit did not finish: its side proves nothing, and the step must not look green.
                string which = baselineRuns.Contains(stopped) ? "baseline" : "head";
                ctx.Error.WriteLine($"tracegate: error: the {which} run{(repeat == 1 ? "" : $" {stopped.Run} of {repeat}")} did not finish within --timeout {SideRun.Format(options.Timeout)}");
                return ExitCodes.BadInput;
            }

            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            ctx.Error.WriteLine($"tracegate: prove was interrupted (signal); the worktree was removed");
            return signal;
        }
    }

    private static string ResolveBase(GitRunner git, string baseRef)
    {
        if (baseRef.Length == 0 || baseRef.StartsWith('-'))
        {
            throw new UserInputException($"--base '{baseRef}': expected a branch, tag or commit, e.g. origin/main");
        }

        var r = git.Run("rev-parse", "--verify", "--quiet", "--end-of-options", baseRef + "^{commit}");
        if (r.ExitCode == 0)
        {
            return r.Out.Trim();
        }

        bool shallow = git.Run("rev-parse", "--is-shallow-repository").Out.Trim() == "true";
        throw new UserInputException(shallow
            ? $"--base {baseRef}: not in this clone, which is shallow: check out with the full history (actions/checkout: fetch-depth: 0; Azure Pipelines: fetchDepth: 0), or fetch the base first (git fetch --unshallow origin)"
            : $"--base {baseRef}: no such commit, branch or tag in {git.Repository} (tracegate prove never fetches: fetch it first)");
    }

    private static TestRef FindRepro(RunContext ctx, ProveOptions options, string workspaceDir, FileWorkspace workspace, GatePolicy policy)
    {
        if (options.Repro is { } given)
        {
            return TestRef.Parse(given, out var problem) ?? throw new UserInputException($"--repro: {problem}");
        }

        string? prBody = options.PrBody is { } p ? InputFiles.ReadText(ctx.Resolve(p), InputFiles.MaxPrBodyBytes, "PR description") : null;
        IReadOnlyList<string>? messages = null;
        IReadOnlyList<string>? ids = null;
        if (options.Commits is not null && options.GitRange is not null)
        {
            throw new UserInputException("--commits and --git-range both name the commits: give one");
        }

        string? range = options.GitRange ?? (options.Commits is null && prBody is null ? options.Base + "..HEAD" : null);
        if (options.Commits is { } c)
        {
            messages = InputFiles.SplitCommits(InputFiles.ReadText(ctx.Resolve(c), InputFiles.MaxCommitsBytes, "commit messages"));
        }
        else if (range is not null)
        {
            (ids, messages) = GitLog.Read(workspaceDir, range);
        }

        var evidence = EvidenceGate.Evaluate(policy.Evidence, new EvidenceInputs { PrBody = prBody, CommitMessages = messages, CommitIds = ids, Workspace = workspace });
        var field = policy.Evidence.Fields.FirstOrDefault(f => f.Kind == FieldKind.TestRef && evidence.Evidence.ContainsKey(f.Name));
        if (field is null)
        {
            string where = options.PrBody is not null ? "the PR description" : options.Commits is not null ? "the commit messages" : $"the commits of {range}";
            throw new UserInputException($"no repro test is named in {where}: write 'Repro: path::test' in the PR description or a REPRO: trailer, or pass --repro path::test");
        }

        string value = evidence.Evidence[field.Name].Value;
        return TestRef.Parse(value, out var why) ?? throw new UserInputException($"the repro '{Untrusted.Line(value)}' is not a test reference: {why}");
    }
}
