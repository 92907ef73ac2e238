using System.Text.RegularExpressions;
using TraceGate.Core.Evidence;
using TraceGate.Core.Model;
using TraceGate.Core.TestResults;

namespace TraceGate.Core.Gates;

/// <summary>
/// <c>proof.repro</c>: the repro must fail before the fix (on the base commit, with the head's test files laid
/// over it) and pass after it. A repro that passes on both sides reproduces nothing; one that cannot run on the
/// base (the function it imports does not exist yet) proves nothing either. This is SWE-bench's FAIL_TO_PASS
/// validation, done on the pull request.
/// </summary>
public static partial class ProofGate
{
    public const string CheckId = "proof.repro";

    // A test that stopped before its assertions because the code it calls is not there: Python's import and name
    // errors, JavaScript's module and reference errors, and pytest's setup and collection errors. Anything else
    // (an assertion, a wrong value, an exception the bug throws) is the bug reproducing.
    [GeneratedRegex(@"^\s*(\w+\.)*(ImportError|ModuleNotFoundError|SyntaxError|IndentationError|NameError|ReferenceError)\b|ERR_MODULE_NOT_FOUND|does not provide an export named|Cannot find module|^failed on setup|^collection failure|^error during collection",
        RegexOptions.CultureInvariant)]
    private static partial Regex CannotRun();

    public static (Check Check, ProofSummary Summary) Evaluate(TestRef? repro, ProofInputs proof, IReadOnlyList<TestCaseResult>? headCases, IReadOnlyList<string> headFiles,
        long? headCount = null)
    {
        var baseline = ClassifyRuns(repro, proof.BaselineCases, proof.BaselineRun, ReproOutcome.Failed);
        var head = ClassifyRuns(repro, headCases, proof.HeadRun, ReproOutcome.Passed);
        var summary = new ProofSummary(Side(proof.BaselineRun, baseline), Side(proof.HeadRun, head));
        if (repro is null)
        {
            return (new Check(CheckId, Outcome.Skip, "no repro test is named in the evidence, so there is nothing to prove"), summary);
        }

        var problems = new List<string>();
        string beforeRun = RunNote("baseline", baseline, proof.BaselineRun);
        string afterRun = RunNote("head", head, proof.HeadRun);
        string? before = baseline.Outcome switch
        {
            ReproOutcome.Failed => null,
            ReproOutcome.Passed => $"passes before the fix too: it does not reproduce the bug ({Where(baseline.Case)}){beforeRun}",
            ReproOutcome.Errored => $"errored before the fix: {baseline.Message} (a test that cannot run proves nothing) ({Where(baseline.Case)}){beforeRun}",
            ReproOutcome.Skipped => $"was skipped before the fix: a skipped test proves nothing ({Where(baseline.Case)}){beforeRun}",
            ReproOutcome.Missing => $"is not in the baseline results: did the command run it? ({Count(proof.BaselineCaseCount ?? proof.BaselineCases?.Count, proof.BaselineFiles)}){beforeRun}",
            _ => "has no baseline results: " + baseline.Message + beforeRun,
        };
        if (before is not null)
        {
            problems.Add(before);
        }

        string? after = head.Outcome switch
        {
            ReproOutcome.Passed => null,
            ReproOutcome.Failed => $"still fails after the fix: {head.Message} ({Where(head.Case)}){afterRun}",
            ReproOutcome.Errored => $"errored after the fix: {head.Message} ({Where(head.Case)}){afterRun}",
            ReproOutcome.Skipped => $"was skipped after the fix ({Where(head.Case)}){afterRun}",
            ReproOutcome.Missing => $"is not in the head results: did the command run it? ({Count(headCount ?? headCases?.Count, headFiles)}){afterRun}",
            _ => "has no head results: " + head.Message + afterRun,
        };
        if (after is not null)
        {
            problems.Add(after);
        }

        if (problems.Count == 0)
        {
            return (new Check(CheckId, Outcome.Pass,
                $"{repro} fails before the fix ({baseline.Message}, {Where(baseline.Case)}){beforeRun} and passes after it ({Where(head.Case)}){afterRun}"), summary);
        }

        return (new Check(CheckId, Outcome.Fail, $"{repro} " + string.Join("; and it ", problems))
        {
            Hint = baseline.Outcome switch
            {
                ReproOutcome.Passed => "A repro must fail on the base commit: make it assert the invariant the bug breaks (here, with the inputs of the incident's trace), not only what the fix added.",
                ReproOutcome.Errored => "Make the repro call code that exists before the fix (the fixed function's old signature), so that on the base it fails on its assertion rather than on an import.",
                ReproOutcome.Missing or ReproOutcome.NoResults => "Make the proof's command run the repro and write its results: use {repro.file} or {repro.name} and {results} in the command of tracegate prove.",
                _ => "Run tracegate prove again and look at each side's output.",
            },
            Details = proof.UnmatchedBaselineGlobs.Select(g => $"'{g}' matched no baseline result file").ToList(),
        }, summary);
    }

    private sealed record Classified(ReproOutcome Outcome, TestCaseResult? Case, string? Message)
    {
        /// <summary>Under --repeat, the run that broke the side's expectation; null when every run met it.</summary>
        public int? Run { get; init; }
    }

    /// <summary>
    /// Under <c>tracegate prove --repeat</c> the repro must fail on every baseline run and pass on every head run: a
    /// repro that passes on one base run of several is flaky, and a flaky repro proves nothing. Each run's cases are
    /// the ones read from its own results file; the first run that breaks the expectation is the side's outcome.
    /// </summary>
    private static Classified ClassifyRuns(TestRef? repro, IReadOnlyList<TestCaseResult>? cases, ProofRunInfo? run, ReproOutcome expected)
    {
        if (run is null || run.Repeat == 1 || run.Runs.Count == 0)
        {
            return Classify(repro, cases, run);
        }

        Classified? first = null;
        foreach (var r in run.Runs)
        {
            var own = r.Results is { } name && cases is not null
                ? cases.Where(c => c.ResultsFile == name || c.ResultsFile.EndsWith("/" + name, StringComparison.Ordinal)).ToList()
                : null;
            var classified = own is null
                ? new Classified(ReproOutcome.NoResults, null, r.TimedOut ? "the run was stopped at its time limit" : "the run wrote no results file at {results}")
                : Classify(repro, own, null);
            if (classified.Outcome != expected)
            {
                return classified with { Run = r.Run };
            }

            first ??= classified;
        }

        return first!;
    }

    private static string RunNote(string side, Classified c, ProofRunInfo? run) =>
        run is null || run.Repeat == 1 ? ""
        : c.Run is { } broke ? $" (on {side} run {broke} of {run.Repeat})"
        : $" (on all {run.Repeat} {side} runs)";

    private static Classified Classify(TestRef? repro, IReadOnlyList<TestCaseResult>? cases, ProofRunInfo? run)
    {
        if (cases is null)
        {
            string why = run?.TimedOut == true ? "the run was stopped at its time limit"
                : run?.ResultsProblem ?? "no results file was given for this side";
            return new Classified(ReproOutcome.NoResults, null, why);
        }

        if (repro is null)
        {
            return new Classified(ReproOutcome.Missing, null, null);
        }

        var matches = TestMatcher.Find(repro, cases);
        if (matches.Count == 0)
        {
            // The file could not be loaded at all: node --test names the case after the file, pytest after the module.
            var file = cases.FirstOrDefault(c => c.Outcome == TestOutcome.Failed && NamesFile(c, repro.Path));
            return file is null
                ? new Classified(ReproOutcome.Missing, null, null)
                : new Classified(ReproOutcome.Errored, file, $"the test file could not run: {Short(file.Message)}");
        }

        if (matches.FirstOrDefault(m => m.Outcome == TestOutcome.Failed && CannotRun().IsMatch(m.Message ?? "")) is { } errored)
        {
            return new Classified(ReproOutcome.Errored, errored, Short(errored.Message));
        }

        if (matches.FirstOrDefault(m => m.Outcome == TestOutcome.Failed) is { } failed)
        {
            return new Classified(ReproOutcome.Failed, failed, Short(failed.Message));
        }

        if (matches.All(m => m.Outcome == TestOutcome.Skipped))
        {
            return new Classified(ReproOutcome.Skipped, matches[0], matches[0].Message);
        }

        return new Classified(ReproOutcome.Passed, matches.First(m => m.Outcome == TestOutcome.Passed), null);
    }

    /// <summary>Whether the case stands for the whole test file (a load or collection failure).</summary>
    internal static bool NamesFile(TestCaseResult c, string path)
    {
        string name = c.Name.Replace('\\', '/');
        if (name == path || name.EndsWith("/" + path, StringComparison.Ordinal) || c.File?.Replace('\\', '/') == path && c.Name.Length == 0)
        {
            return true;
        }

        int dot = path.LastIndexOf('.');
        string module = (dot > path.LastIndexOf('/') ? path[..dot] : path).Replace('/', '.');
        return c.ClassName.Length == 0 && name == module;
    }

    private static ProofSide Side(ProofRunInfo? run, Classified c) =>
        new(run?.Commit, run?.ExitCode, run?.Spans, c.Outcome) { Message = c.Message };

    private static string Where(TestCaseResult? c) => c is null ? "" : $"{c.ResultsFile}:{c.Line}";

    private static string Count(long? cases, IReadOnlyList<string> files) =>
        $"{cases ?? 0} test cases in {files.Count} result file(s): {string.Join(", ", files)}";

    private static string Short(string? message)
    {
        var line = (message ?? "failed").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "failed";
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
