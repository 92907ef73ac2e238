using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// GitHub Actions workflow commands with the escaping the runner requires (actions/toolkit command.ts): data
/// escapes %, CR and LF; properties also escape : and ,. Untrusted text is escaped, so it can never end the
/// command early or start another one.
/// </summary>
public static class WorkflowCommands
{
    public static string EscapeData(string s) =>
        s.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    public static string EscapeProperty(string s) =>
        EscapeData(s).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);

    /// <summary>An error, warning or (inconclusive) notice annotation; the file and line when the check has a place.</summary>
    public static string Annotation(Check check)
    {
        string level = check.Outcome switch { Outcome.Fail => "error", Outcome.Inconclusive => "notice", _ => "warning" };
        var props = new List<string>();
        if (check.Location is { } loc)
        {
            props.Add("file=" + EscapeProperty(Untrusted.Line(loc.Path, 1000)));
            props.Add("line=" + loc.Line);
        }

        props.Add("title=" + EscapeProperty("TraceGate " + Untrusted.Line(check.Id, 200)));
        return $"::{level} {string.Join(',', props)}::{EscapeData(Untrusted.Line(check.Message, 2000))}";
    }

    public static string Warning(string message) => "::warning title=TraceGate::" + EscapeData(message);

    /// <summary>Appends name=value to $GITHUB_OUTPUT in the heredoc form, with a delimiter the value cannot hold.</summary>
    public static void SetOutput(string outputFile, string name, string value)
    {
        string delimiter = "ghadelimiter_" + Guid.NewGuid().ToString("N");
        File.AppendAllText(outputFile, $"{name}<<{delimiter}\n{value}\n{delimiter}\n");
    }
}
