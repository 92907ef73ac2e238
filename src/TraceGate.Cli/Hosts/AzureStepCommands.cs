using TraceGate.Core.Model;

namespace TraceGate.Cli.Hosts;

/// <summary>Azure Pipelines' logging commands on stdout: <c>task.logissue</c>, <c>task.uploadsummary</c> and
/// <c>task.setvariable</c> output variables.</summary>
public sealed class AzureStepCommands : IStepCommands
{
    public string Annotation(Check check) => LoggingCommands.LogIssue(check);

    public string? AttachSummary(string path) => LoggingCommands.UploadSummary(path);

    public void SetOutput(TextWriter stdout, string name, string value) => stdout.WriteLine(LoggingCommands.SetOutput(name, value));
}
