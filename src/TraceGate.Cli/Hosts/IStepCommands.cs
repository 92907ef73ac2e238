using TraceGate.Core.Model;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// A CI platform's commands to its runner, in its own syntax and escaping: an annotation per check that needs one,
/// the step's outputs, and attaching the summary. Implemented over the safe writers <see cref="WorkflowCommands"/>
/// (GitHub) and <see cref="LoggingCommands"/> (Azure), so untrusted text can never start a command.
/// </summary>
public interface IStepCommands
{
    /// <summary>The line that annotates a failed, warned or inconclusive check.</summary>
    string Annotation(Check check);

    /// <summary>The line that attaches the summary file to the run, or null where the summary needs none
    /// (GitHub reads the step summary file itself).</summary>
    string? AttachSummary(string path);

    /// <summary>Sets one output of the step: a line on <paramref name="stdout"/> or an entry in the platform's file.</summary>
    void SetOutput(TextWriter stdout, string name, string value);
}
