using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.TestResults;

namespace TraceGate.Core.Pipeline;

/// <summary>
/// The one composition of the gate: inputs, then evidence and traces, then the gates, then the report. Hosts
/// (the command line, GitHub Actions, Azure Pipelines) only resolve a <see cref="GateRequest"/> and render or
/// publish the report. Throws <see cref="GateInputException"/> for input the user must fix.
/// </summary>
public static class GatePipeline
{
    public static Report Run(GateRequest request)
    {
        var policy = request.Policy;
        var inputChecks = new List<Check>();
        bool tracesWanted = request.Traces.Patterns.Count > 0 || policy.Traces.Rules.Count > 0;
        // Facts alone (a feature PR with no description) are enough to decide that no evidence is needed.
        bool evidenceGiven = request.PrBody is not null || request.CommitMessages is not null
            || (!policy.Evidence.Scope.IsEverything && request.Facts.AnyKnown);
        if (!evidenceGiven && !tracesWanted && policy.Evidence.Sources.Count > 0 && policy.Evidence.Fields.Count > 0)
        {
            throw new GateInputException("no evidence to check: pass --pr-body FILE and/or --commits FILE or --git-range BASE..HEAD");
        }

        if (!evidenceGiven)
        {
            inputChecks.Add(new Check("evidence", Outcome.Skip, "no PR description or commits were given: evidence was not checked"));
        }

        ProofTraces? proofTraces = null;
        if (tracesWanted)
        {
            var (traceChecks, traced) = TraceStage.RunWithProof(request.Files, policy.Traces, request.Traces, request.Baseline);
            inputChecks.AddRange(traceChecks);
            proofTraces = traced;
        }

        var templates = request.PrBody is null ? PrTemplates.None : request.Files.PrTemplates();
        if (templates.Skipped.Count > 0)
        {
            inputChecks.Add(new Check("evidence.pr-template", Outcome.Warn,
                $"{templates.Skipped.Count} PR template(s) lead outside the checkout and were not read: {string.Join(", ", templates.Skipped)}")
            {
                Hint = "A PR template is read from the checkout only; replace the link with the file.",
            });
        }

        string? traceLink = policy.Evidence.Fields.FirstOrDefault(f => f.Kind == FieldKind.TraceId && f.Link is not null)?.Link;
        if (!evidenceGiven)
        {
            policy = policy with { Evidence = policy.Evidence with { Fields = [], Sources = [], Scope = ScopePolicy.Everything } };
        }

        var evidenceInputs = new EvidenceInputs
        {
            PrBody = request.PrBody,
            CommitMessages = request.CommitMessages,
            CommitIds = request.CommitIds,
            Workspace = request.Workspace,
            PrTemplates = templates.Templates,
            Facts = request.Facts,
            Flaky = policy.Tests.Flaky,
        };
        var keep = request.TestResults.Patterns.Count > 0 || request.BaselineTestResults.Patterns.Count > 0 ? ReproCases(policy, evidenceInputs) : null;

        IReadOnlyList<TestCaseResult>? cases = null;
        long? caseCount = null;
        IReadOnlyList<string> resultFiles = [];
        if (request.TestResults.Patterns.Count > 0)
        {
            var read = ReadResults(request.Files, request.TestResults, keep);
            (cases, caseCount, resultFiles) = (read.Cases, read.Count, read.Files);
            AddRefused(inputChecks, read.Found.Refused);
            foreach (var glob in read.Found.Unmatched)
            {
                inputChecks.Add(new Check("tests.results", Outcome.Fail, $"no test result files matched '{glob}'" + (request.TestResults.FromCi ? "" : " in the workspace"))
                {
                    Hint = "Check that the test step wrote its JUnit XML or TRX where tests.results (or --test-results) points.",
                });
            }
        }

        ProofInputs? proof = null;
        if (request.BaselineTestResults.Patterns.Count > 0)
        {
            var read = ReadResults(request.Files, request.BaselineTestResults, keep);
            AddRefused(inputChecks, read.Found.Refused);
            var runs = request.ProofRuns;
            proof = new ProofInputs
            {
                BaselineCases = read.Files.Count > 0 ? read.Cases : null,
                BaselineCaseCount = read.Files.Count > 0 ? read.Count : null,
                BaselineFiles = read.Files,
                BaselineRun = runs?.Baseline ?? (read.Files.Count == 0
                    ? new ProofRunInfo(null, null, null) { ResultsProblem = $"no file matched {string.Join(", ", read.Found.Unmatched.Select(g => $"'{g}'"))} in the workspace" }
                    : null),
                HeadRun = runs?.Head,
                UnmatchedBaselineGlobs = runs is null ? read.Found.Unmatched : [],
            };
        }

        var inputs = evidenceInputs with { TestCases = cases, TestCaseCount = caseCount, TestResultFiles = resultFiles };
        return GateRun.Evaluate(policy, inputs, inputChecks, traceLink, proof, proofTraces, (incident, traceId) => Incident(request, policy, incident, traceId));
    }

    /// <summary>The incident's trace: the committed files first (the policy's globs, inside the checkout), then the
    /// CI's backend; null when neither is there.</summary>
    private static IncidentTraces? Incident(GateRequest request, GatePolicy policy, string? incident, string traceId)
    {
        if (!TraceFormats.Ids.TryHexTraceId(System.Text.Encoding.ASCII.GetBytes(traceId), out var id))
        {
            return null;
        }

        IReadOnlyList<string> globs;
        try
        {
            globs = IncidentLookup.Expand(policy.Proof.IncidentTraces, incident, traceId);
        }
        catch (ArgumentException e)
        {
            throw new GateInputException(e.Message);
        }

        var found = request.Files.Find(globs, fromCi: false);
        IncidentTraces? fromFiles = null;
        if (found.Files.Count > 0)
        {
            try
            {
                fromFiles = IncidentLookup.FromFiles(policy.Traces, found.Files.Select(f => (f.Name, f.Open)).ToList(), id);
            }
            catch (Traces.TraceInputException e)
            {
                throw new GateInputException(e.Message);
            }

            if (fromFiles.Status == IncidentStatus.Found)
            {
                return fromFiles;
            }
        }

        return request.IncidentBackend?.Invoke(traceId) ?? fromFiles;
    }

    /// <summary>
    /// Which test cases to keep: those the repro references of the evidence can match in any gate (the case itself,
    /// a file that could not run, a failure named for the file). The evidence is read here once without test results
    /// (the PR description and trailers only name the repro) so a report is matched as it streams: one at the size
    /// limit holds 7 million cases, 1.7 GiB kept whole before any was matched.
    /// </summary>
    private static Func<TestCaseResult, bool> ReproCases(GatePolicy policy, EvidenceInputs inputs)
    {
        var evidence = EvidenceGate.Evaluate(policy.Evidence, inputs).Evidence;
        var references = policy.Evidence.Fields.Where(f => f.Kind == FieldKind.TestRef)
            .Select(f => evidence.GetValueOrDefault(f.Name)?.Value).OfType<string>()
            .Select(v => Evidence.TestRef.Parse(v, out _)).OfType<Evidence.TestRef>().ToArray();
        return c => Array.Exists(references, r => TestMatcher.Matches(r, c)
            || (c.Outcome == TestOutcome.Errored && TestMatcher.FindFileErrors(r, [c]).Count > 0)
            || (c.Outcome == TestOutcome.Failed && ProofGate.NamesFile(c, r.Path)));
    }

    private sealed record ResultsRead(List<TestCaseResult> Cases, long Count, List<string> Files, FoundInputs Found);

    private static ResultsRead ReadResults(IInputSource source, InputGlobs globs, Func<TestCaseResult, bool>? keep)
    {
        long count = 0;
        var found = source.Find(globs.Patterns, globs.FromCi);
        var all = new List<TestCaseResult>();
        var shown = new List<string>();
        foreach (var file in found.Files)
        {
            using var stream = file.Open();
            var read = TestResultsReader.Read(file.Name, stream, keep);
            if (read.Error is { } error)
            {
                throw new GateInputException(error.ToString());
            }

            all.AddRange(read.Cases);
            count += read.Count;
            shown.Add(file.Name);
        }

        return new ResultsRead(all, count, shown, found);
    }

    private static void AddRefused(List<Check> checks, IReadOnlyList<(string Glob, string File)> refused)
    {
        foreach (var (glob, file) in refused)
        {
            checks.Add(new Check("tests.results", Outcome.Fail,
                $"'{glob}' matched {file}, which resolves outside the checkout (a symbolic link?): refused, not read")
            {
                Hint = "Globs from the policy file stay inside the checkout; give a path outside it with --test-results (or TRACEGATE_TEST_RESULTS, or the action/task input).",
            });
        }
    }
}
