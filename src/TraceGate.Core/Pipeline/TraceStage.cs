using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Otlp;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Core.Rules;

namespace TraceGate.Core.Pipeline;

/// <summary>The trace half of the pipeline: finds the trace files, streams each through the rule engine, and returns
/// the trace checks.</summary>
public static class TraceStage
{
    public static IReadOnlyList<Check> Run(IInputSource source, TracesPolicy policy, InputGlobs files, InputGlobs baseline) =>
        RunWithProof(source, policy, files, baseline).Checks;

    /// <summary>The checks, and for <c>proves: true</c> rules the engines of both runs with pictures of a trace of
    /// each side (null when no trace file was read or no rule proves).</summary>
    public static (IReadOnlyList<Check> Checks, ProofTraces? Proof) RunWithProof(IInputSource source, TracesPolicy policy, InputGlobs files, InputGlobs baseline)
    {
        var checks = new List<Check>();
        if (files.Patterns.Count == 0)
        {
            checks.Add(new Check("traces.files", Outcome.Fail, "the policy has trace rules but names no trace files")
            {
                Hint = "Set traces.files in the policy or pass --traces GLOB.",
            });
            return (checks, null);
        }

        var options = new ReadOptions
        {
            AttributeKeys = RuleEngine.KeysNeeded(policy),
            AllStringValues = policy.RedactionForbid.Count > 0,
        };
        var (run, runCheck, runFiles) = ReadAll(source, policy, files, options, "traces.files", "trace");
        checks.Add(runCheck);
        if (run is null)
        {
            return (checks, null);
        }

        RuleEngine? before = null;
        IReadOnlyList<NamedInput> beforeFiles = [];
        if (baseline.Patterns.Count > 0)
        {
            (before, var baselineCheck, beforeFiles) = ReadAll(source, policy, baseline, options, "traces.baseline", "baseline trace");
            checks.Add(baselineCheck);
        }

        checks.AddRange(TraceGates.Evaluate(policy, run, before));
        if (!policy.Rules.Any(r => r.Proves))
        {
            return (checks, null);
        }

        // One trace per side of each proving rule, read again for its spans' times and events: the engine keeps
        // neither, and the files of a test run are small.
        var timelines = new Dictionary<TraceId, IReadOnlyList<TimelineSpan>>();
        foreach (var (engine, inputs) in new[] { (run, runFiles), (before, beforeFiles) })
        {
            if (engine is null)
            {
                continue;
            }

            var wanted = policy.Rules.Select((r, i) => r.Proves ? TraceProofGate.PictureTrace(engine.Runs[i]) : null).OfType<TraceId>().Distinct().ToList();
            var sink = new TimelineSink(wanted);
            foreach (var file in inputs)
            {
                using var stream = file.Open();
                TraceFileReader.Read(file.Name, stream, options, sink);
            }

            foreach (var t in wanted)
            {
                timelines[t] = sink.Timeline(t);
            }
        }

        return (checks, new ProofTraces(run, before) { Timelines = timelines });
    }

    private static (RuleEngine? Engine, Check Check, IReadOnlyList<NamedInput> Files) ReadAll(IInputSource source, TracesPolicy policy, InputGlobs globs,
        ReadOptions options, string checkId, string what)
    {
        var found = source.Find(globs.Patterns, globs.FromCi);
        var files = found.Files;
        var unmatched = found.Unmatched;
        var refused = found.Refused.Select(r => $"'{r.Glob}' matched {r.File}, which resolves outside the checkout (a symbolic link?): refused").ToList();
        if (files.Count == 0)
        {
            return (null, new Check(checkId, Outcome.Fail, refused.Count > 0
                ? $"no {what} files read: " + string.Join("; ", refused)
                : $"no {what} files matched {string.Join(", ", globs.Patterns.Select(g => $"'{g}'"))}" + (globs.FromCi ? "" : " in the workspace"))
            {
                Hint = refused.Count > 0
                    ? "Globs from the policy file stay inside the checkout; give a path outside it with --traces (or TRACEGATE_TRACES, or the action/task input)."
                    : "Check that the test run exported its traces where the glob points (a gate that reads nothing never passes).",
            }, []);
        }

        var engine = new RuleEngine(policy);
        var infos = new List<TraceFileInfo>();
        foreach (var file in files)
        {
            try
            {
                using var stream = file.Open();
                infos.Add(TraceFileReader.Read(file.Name, stream, options, engine));
            }
            catch (TraceInputException e)
            {
                throw new GateInputException(e.Message);
            }
            catch (IOException e)
            {
                throw new GateInputException($"{file.Name}: cannot read the {what} file: {e.Message}");
            }
        }

        engine.Finish();
        var details = infos.Select(i => $"{i.Path}: {i.Describe()}, {i.Spans} spans").ToList();
        details.AddRange(unmatched.Select(g => $"'{g}' matched no file"));
        details.AddRange(refused);
        var warnings = infos.Where(i => i.Warning is not null).Select(i => i.Warning!).ToList();
        details.AddRange(warnings);
        var outcome = engine.Spans == 0 ? Outcome.Fail : warnings.Count > 0 ? Outcome.Warn : Outcome.Pass;
        string message = engine.Spans == 0
            ? $"the {what} files hold no spans ({files.Count} file(s))"
            : $"read {engine.Spans} spans from {files.Count} {what} file(s)";
        return (engine, new Check(checkId, outcome, message) { Details = details, Spans = engine.Spans }, files);
    }
}
