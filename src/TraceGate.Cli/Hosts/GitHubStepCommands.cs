using TraceGate.Core.Model;

namespace TraceGate.Cli.Hosts;

/// <summary>GitHub Actions' commands: <c>::error</c>/<c>::warning</c>/<c>::notice</c> annotations on stdout and
/// outputs appended to <c>$GITHUB_OUTPUT</c> (none when the runner gives no such file).</summary>
public sealed class GitHubStepCommands(string? outputFile) : IStepCommands
{
    public string Annotation(Check check) => WorkflowCommands.Annotation(check);

    public string? AttachSummary(string path) => null;

    public void SetOutput(TextWriter stdout, string name, string value)
    {
        if (outputFile is not null)
        {
            WorkflowCommands.SetOutput(outputFile, name, value);
        }
    }
}
