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
    public static IReadOnlyList<Check> Run(IInputSource source, TracesPolicy policy, InputGlobs files, InputGlobs baseline)
    {
        var checks = new List<Check>();
        if (files.Patterns.Count == 0)
        {
            checks.Add(new Check("traces.files", Outcome.Fail, "the policy has trace rules but names no trace files")
            {
                Hint = "Set traces.files in the policy or pass --traces GLOB.",
            });
            return checks;
        }

        var options = new ReadOptions
        {
            AttributeKeys = RuleEngine.KeysNeeded(policy),
            AllStringValues = policy.RedactionForbid.Count > 0,
        };
        var (run, runCheck) = ReadAll(source, policy, files, options, "traces.files", "trace");
        checks.Add(runCheck);
        if (run is null)
        {
            return checks;
        }

        RuleEngine? before = null;
        if (baseline.Patterns.Count > 0)
        {
            (before, var baselineCheck) = ReadAll(source, policy, baseline, options, "traces.baseline", "baseline trace");
            checks.Add(baselineCheck);
        }

        checks.AddRange(TraceGates.Evaluate(policy, run, before));
        return checks;
    }

    private static (RuleEngine? Engine, Check Check) ReadAll(IInputSource source, TracesPolicy policy, InputGlobs globs,
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
            });
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
        return (engine, new Check(checkId, outcome, message) { Details = details, Spans = engine.Spans });
    }
}
