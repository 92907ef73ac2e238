namespace TraceGate.Cli.Hosts;

/// <summary>What a run may touch of its process: output streams, the environment and the working directory.
/// Passed in, never read from globals, so tests run the whole CLI in-process.</summary>
public sealed record RunContext(
    TextWriter Out,
    TextWriter Error,
    IReadOnlyDictionary<string, string?> Environment,
    string CurrentDirectory,
    bool OutputIsTerminal)
{
    public static RunContext FromProcess()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
        {
            env[(string)e.Key] = e.Value as string;
        }

        return new RunContext(Console.Out, Console.Error, env, Directory.GetCurrentDirectory(), !Console.IsOutputRedirected);
    }

    public string Resolve(string path) => Path.GetFullPath(Path.Combine(CurrentDirectory, path));

    public bool UseColor => OutputIsTerminal && !Environment.ContainsKey("NO_COLOR") && Environment.GetValueOrDefault("TERM") != "dumb";
}
