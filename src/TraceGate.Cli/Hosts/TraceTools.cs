using TraceGate.Core.Otlp;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;

namespace TraceGate.Cli.Hosts;

/// <summary><c>tracegate traces summarize</c> and <c>tracegate init</c>: help for writing trace rules.</summary>
public static class TraceTools
{
    public static SpanSummary Summarize(RunContext ctx, IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            throw new UserInputException("name at least one trace file");
        }

        var summary = new SpanSummary();
        foreach (var file in files)
        {
            var full = ctx.Resolve(file);
            if (!File.Exists(full))
            {
                throw new UserInputException($"{file}: no such file (a trace file)");
            }

            try
            {
                using var stream = File.OpenRead(full);
                TraceFileReader.Read(file, stream, new ReadOptions(), summary);
            }
            catch (TraceInputException e)
            {
                throw new UserInputException(e.Message);
            }
        }

        return summary;
    }

    public static int Init(RunContext ctx, IReadOnlyList<string> files, string output, bool force)
    {
        var summary = Summarize(ctx, files);
        if (summary.Spans == 0)
        {
            throw new UserInputException($"{string.Join(", ", files)}: no spans to draft a policy from");
        }

        var full = ctx.Resolve(output);
        if (File.Exists(full) && !force)
        {
            throw new UserInputException($"{output} exists: pass --force to overwrite it, or --out another file");
        }

        string glob = files.Count == 1 && !Path.IsPathRooted(files[0]) && !files[0].Contains("..", StringComparison.Ordinal)
            ? files[0].Replace('\\', '/')
            : "artifacts/traces/**/*";
        var text = PolicyDraft.Render(summary, glob);
        // A draft that does not load would be a bug of ours, not the user's: check before writing.
        var loaded = PolicyLoader.Load(output, text);
        if (loaded.Policy is null)
        {
            throw new InvalidOperationException("the drafted policy does not load: " + string.Join("; ", loaded.Errors));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        ctx.Out.WriteLine($"wrote {output}: {loaded.Policy.Traces.Rules.Count} rules drafted from {summary.Spans} spans; edit it, then run tracegate check");
        return ExitCodes.Success;
    }
}
