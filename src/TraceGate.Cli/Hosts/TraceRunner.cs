using TraceGate.Cli.Inputs;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Otlp;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Core.Rules;

namespace TraceGate.Cli.Hosts;

/// <summary>Finds the trace files, streams each through the rule engine, and returns the trace checks.</summary>
public static class TraceRunner
{
    /// <param name="filesFromCi">The trace globs came from an option, the environment or an action/task input (they
    /// may then be absolute or outside the workspace), not from the policy file.</param>
    public static IReadOnlyList<Check> Run(FileWorkspace workspace, TracesPolicy policy, IReadOnlyList<string> files, IReadOnlyList<string> baseline,
        bool filesFromCi = false, bool baselineFromCi = false)
    {
        var checks = new List<Check>();
        if (files.Count == 0)
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
        var (run, runCheck) = ReadAll(workspace, policy, files, filesFromCi, options, "traces.files", "trace");
        checks.Add(runCheck);
        if (run is null)
        {
            return checks;
        }

        RuleEngine? before = null;
        if (baseline.Count > 0)
        {
            (before, var baselineCheck) = ReadAll(workspace, policy, baseline, baselineFromCi, options, "traces.baseline", "baseline trace");
            checks.Add(baselineCheck);
        }

        checks.AddRange(TraceGates.Evaluate(policy, run, before));
        return checks;
    }

    private static (RuleEngine? Engine, Check Check) ReadAll(FileWorkspace workspace, TracesPolicy policy, IReadOnlyList<string> globs,
        bool fromCi, ReadOptions options, string checkId, string what)
    {
        var found = InputFiles.Glob(workspace, globs, fromCi);
        var paths = found.Files;
        var unmatched = found.Unmatched;
        var refused = found.Refused.Select(r => $"'{r.Glob}' matched {r.File}, which resolves outside the checkout (a symbolic link?): refused").ToList();
        if (paths.Count == 0)
        {
            return (null, new Check(checkId, Outcome.Fail, refused.Count > 0
                ? $"no {what} files read: " + string.Join("; ", refused)
                : $"no {what} files matched {string.Join(", ", globs.Select(g => $"'{g}'"))}" + (fromCi ? "" : " in the workspace"))
            {
                Hint = refused.Count > 0
                    ? "Globs from the policy file stay inside the checkout; give a path outside it with --traces (or TRACEGATE_TRACES, or the action/task input)."
                    : "Check that the test run exported its traces where the glob points (a gate that reads nothing never passes).",
            });
        }

        var engine = new RuleEngine(policy);
        var infos = new List<TraceFileInfo>();
        foreach (var path in paths)
        {
            string display = InputFiles.Display(workspace, path);
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                infos.Add(TraceFileReader.Read(display, stream, options, engine));
            }
            catch (TraceInputException e)
            {
                throw new UserInputException(e.Message);
            }
            catch (IOException e)
            {
                throw new UserInputException($"{display}: cannot read the {what} file: {e.Message}");
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
            ? $"the {what} files hold no spans ({paths.Count} file(s))"
            : $"read {engine.Spans} spans from {paths.Count} {what} file(s)";
        return (engine, new Check(checkId, outcome, message) { Details = details, Spans = engine.Spans });
    }
}
