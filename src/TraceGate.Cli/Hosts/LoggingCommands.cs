using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// Azure Pipelines logging commands with the agent's escaping (azure-pipelines-task-lib taskcommand): data escapes
/// % as %AZP25, CR and LF; properties also escape ; and ]. Untrusted text is made one line and has ##vso[ broken up
/// before it is escaped, so it can neither end a command nor start one.
/// </summary>
public static class LoggingCommands
{
    public static string EscapeData(string s) =>
        s.Replace("%", "%AZP25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    public static string EscapeProperty(string s) =>
        EscapeData(s).Replace(";", "%3B", StringComparison.Ordinal).Replace("]", "%5D", StringComparison.Ordinal);

    public static string LogIssue(Check check)
    {
        // Azure's logissue knows error and warning only: an inconclusive check is a warning there.
        string type = check.Outcome == Outcome.Fail ? "error" : "warning";
        string props = $"type={type}";
        if (check.Location is { } loc)
        {
            props += $";sourcepath={EscapeProperty(Untrusted.Line(loc.Path, 1000))};linenumber={loc.Line}";
        }

        return $"##vso[task.logissue {props}]{EscapeData($"TraceGate {Untrusted.Line(check.Id, 200)}: " + Untrusted.Line(check.Message, 2000))}";
    }

    public static string Warning(string message) => $"##vso[task.logissue type=warning]{EscapeData(Untrusted.Line(message, 2000))}";

    public static string UploadSummary(string path) => $"##vso[task.uploadsummary]{EscapeData(Untrusted.DefuseCommands(path))}";

    // Escaping alone keeps a value on its line, but the agent finds ##vso[ anywhere in it: break that up too.
    public static string SetOutput(string name, string value) =>
        $"##vso[task.setvariable variable={EscapeProperty(name)};isOutput=true]{EscapeData(Untrusted.DefuseCommands(value))}";

    public static string Complete(bool succeeded, string message) =>
        $"##vso[task.complete result={(succeeded ? "Succeeded" : "Failed")};]{EscapeData(Untrusted.Line(message, 500))}";
}
