using TraceGate.Cli.Settings;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// <c>tracegate check</c> on a developer's machine or in any CI without a platform of its own: the settings come from
/// the options and <c>TRACEGATE_*</c>; the verdict goes to <c>--report-json</c>, <c>--summary-md</c> and the console.
/// Nothing is published.
/// </summary>
public sealed class LocalPlatform(TraceGateSettings settings) : IPlatform
{
    public bool FailOnFailure => true;

    public PlatformInput Read(RunContext ctx) => new(ctx, settings);

    public void WriteLocal(RunContext ctx, Report report)
    {
        if (settings.ReportJson is { } jsonPath)
        {
            WriteFile(ctx, jsonPath, JsonReport.Render(report));
        }

        if (settings.SummaryMd is { } mdPath)
        {
            WriteFile(ctx, mdPath, MarkdownReport.Render(report));
        }

        ctx.Out.Write(ConsoleReport.Render(report, ctx.UseColor));
    }

    public bool Publish(RunContext ctx, Report report) => true;

    public void Complete(RunContext ctx, Report report, int exitCode)
    {
    }

    public void Dispose()
    {
    }

    private static void WriteFile(RunContext ctx, string path, string content)
    {
        var full = ctx.Resolve(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: cannot write the report: {e.Message}");
        }
    }
}
