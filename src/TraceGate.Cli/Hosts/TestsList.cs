using System.Text;
using System.Text.Json;
using TraceGate.Cli.Inputs;
using TraceGate.Core.Rendering;
using TraceGate.Core.TestResults;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// <c>tracegate tests list GLOB...</c>: every test case of the reports, one line each
/// <c>REFERENCE&lt;TAB&gt;OUTCOME&lt;TAB&gt;FILE:LINE</c>, or with <c>--json</c> <c>[{"ref","outcome","file","line"}]</c>;
/// the answer to "what do I write after <c>Repro:</c>". The globs are the user's own (command line): they may be
/// absolute or outside the workspace. Test names are untrusted and printed inert.
/// </summary>
public static class TestsList
{
    private const int MaxShown = 2000;

    public sealed record Entry(string Reference, string Outcome, string File, int Line);

    public static int Run(RunContext ctx, IReadOnlyList<string> globs, string? workspaceOption, bool json)
    {
        if (globs.Count == 0)
        {
            throw new UserInputException("name at least one test report (a file or a glob)");
        }

        string workspaceDir = ctx.Resolve(workspaceOption ?? ".");
        if (!Directory.Exists(workspaceDir))
        {
            throw new UserInputException($"--workspace {workspaceOption}: no such directory");
        }

        var workspace = new FileWorkspace(workspaceDir);
        var found = InputFiles.Glob(workspace, globs, ciConfigured: true);
        if (found.Unmatched.Count > 0)
        {
            throw new UserInputException(string.Join('\n', found.Unmatched.Select(g => $"'{g}': no test report matched")));
        }

        var entries = new List<Entry>();
        foreach (var file in found.Files)
        {
            string display = Display(ctx, file);
            TestResultsReadResult read;
            try
            {
                using var stream = File.OpenRead(file);
                read = TestResultsReader.Read(display, stream);
            }
            catch (IOException e)
            {
                throw new UserInputException($"{display}: cannot read the test report: {e.Message}");
            }

            if (read.Error is { } error)
            {
                throw new UserInputException(error.ToString());
            }

            entries.AddRange(read.Cases.Select(c => new Entry(TestReferences.For(c, p => Relativize(workspace.Root, p)), c.Outcome.Name(), c.ResultsFile, c.Line)));
        }

        ctx.Out.Write(json ? RenderJson(entries) : RenderTsv(entries));
        return ExitCodes.Success;
    }

    public static string RenderTsv(IEnumerable<Entry> entries)
    {
        var sb = new StringBuilder();
        foreach (var e in entries)
        {
            sb.Append(Untrusted.Line(e.Reference, MaxShown)).Append('\t').Append(e.Outcome).Append('\t')
                .Append(Untrusted.Line(e.File, MaxShown)).Append(':').Append(e.Line).Append('\n');
        }

        return sb.ToString();
    }

    public static string RenderJson(IEnumerable<Entry> entries)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var e in entries)
            {
                w.WriteStartObject();
                w.WriteString("ref", Untrusted.Line(e.Reference, MaxShown));
                w.WriteString("outcome", e.Outcome);
                w.WriteString("file", Untrusted.Line(e.File, MaxShown));
                w.WriteNumber("line", e.Line);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string Display(RunContext ctx, string full)
    {
        string relative = Path.GetRelativePath(ctx.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) ? full : relative;
    }

    /// <summary>A report's absolute file path, relative to the workspace when it lies inside.</summary>
    private static string? Relativize(string root, string path)
    {
        string relative = Path.GetRelativePath(root, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative.Replace('\\', '/');
    }
}
