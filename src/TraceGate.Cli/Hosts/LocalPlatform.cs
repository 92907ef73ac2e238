using TraceGate.Cli.Settings;
using TraceGate.Core.Model;

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

    /// <summary>The files the options name (a path that cannot be written is the user's input error) and the console
    /// report, coloured on a terminal.</summary>
    public LocalOutputs Outputs(RunContext ctx, Report report) => new()
    {
        Report = settings.ReportJson is { } json ? new OutputFile(ctx.Resolve(json), json) : null,
        Summary = settings.SummaryMd is { } md ? new SummaryFile(new OutputFile(ctx.Resolve(md), md)) : null,
        Color = ctx.UseColor,
    };

    public bool Publish(RunContext ctx, Report report) => true;

    public void Complete(RunContext ctx, Report report, int exitCode)
    {
    }

    public void Dispose()
    {
    }
}
