using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// Writes the verdict locally, the same way for every platform, before anything is published: what the platform
/// says first, the JSON report, the Markdown summary, its artifacts, the console report, then the platform's
/// annotations, summary attachment and step outputs, then what the platform says last.
/// </summary>
public static class VerdictWriter
{
    public static void Write(RunContext ctx, Report report, LocalOutputs outputs)
    {
        foreach (var line in outputs.Before)
        {
            ctx.Out.WriteLine(line);
        }

        if (outputs.Report is { } json)
        {
            WriteFile(json, JsonReport.Render(report), append: false);
        }

        if (outputs.Summary is { } md)
        {
            WriteFile(md.File, MarkdownReport.Render(report, md.Limit, md.Mermaid), md.Append);
        }

        foreach (var (path, content) in outputs.Artifacts)
        {
            WriteFile(new OutputFile(path), content, append: false);
        }

        ctx.Out.Write(ConsoleReport.Render(report, outputs.Color));
        if (outputs.Commands is { } commands)
        {
            foreach (var check in report.Checks.Where(c => c.Outcome is Outcome.Fail or Outcome.Warn or Outcome.Inconclusive))
            {
                ctx.Out.WriteLine(commands.Annotation(check));
            }

            if (outputs.Summary is { } summary && commands.AttachSummary(summary.File.FullPath) is { } attach)
            {
                ctx.Out.WriteLine(attach);
            }

            commands.SetOutput(ctx.Out, "conclusion", report.Conclusion.Name());
            if (outputs.Report is { } reportFile)
            {
                commands.SetOutput(ctx.Out, "report", reportFile.FullPath);
            }

            commands.SetOutput(ctx.Out, "failed-checks", string.Join(',', report.Checks.Where(c => c.Outcome == Outcome.Fail).Select(c => c.Id)));
            commands.SetOutput(ctx.Out, "inconclusive-checks", string.Join(',', report.Checks.Where(c => c.Outcome == Outcome.Inconclusive).Select(c => c.Id)));
        }

        foreach (var line in outputs.After)
        {
            ctx.Out.WriteLine(line);
        }
    }

    private static void WriteFile(OutputFile file, string content, bool append)
    {
        try
        {
            if (append)
            {
                // An appended file is the platform's (GitHub's step summary): its folder is there already.
                File.AppendAllText(file.FullPath, content);
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(file.FullPath)!);
            File.WriteAllText(file.FullPath, content);
        }
        catch (Exception e) when (file.Option is { } option && e is IOException or UnauthorizedAccessException)
        {
            // A path the user typed: theirs to fix. The platforms' own paths failing is the machine's problem (exit 4).
            throw new UserInputException($"{option}: cannot write the report: {e.Message}");
        }
    }
}
