using TraceGate.Core.Model;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// Runs one platform: read, gate, write the verdict locally, publish, complete. The verdict is written before
/// anything is published, so a publishing failure never loses it; the exit code says which happened.
/// </summary>
public static class PlatformRunner
{
    /// <summary>The commits of a pull request read from a platform's API: as many as GitHub's
    /// <c>GET /pulls/{n}/commits</c> lists (250), so a policy behaves the same on every platform.</summary>
    public const int MaxCommits = 250;

    /// <summary>The changed files read from a platform's API: as many as GitHub's <c>GET /pulls/{n}/files</c> lists.</summary>
    public const int MaxChangedFiles = 3000;

    public static int Run(IPlatform platform, RunContext ctx)
    {
        using (platform)
        {
            var input = platform.Read(ctx);
            var report = input.Verdict ?? CheckRunner.Run(input.Context, input.Settings, input.Fetched).Report;
            VerdictWriter.Write(ctx, report, platform.Outputs(ctx, report));
            bool published = platform.Publish(ctx, report);
            int exit = ExitCode(report, published, platform.FailOnFailure);
            platform.Complete(ctx, report, exit);
            return exit;
        }
    }

    /// <summary>0 passed or inconclusive (or failed with fail-on: never), 1 a gate failed, 3 the verdict was written
    /// but publishing it failed. Input errors (2) and internal errors (4) are exceptions, mapped by <see cref="CliApp"/>.</summary>
    public static int ExitCode(Report report, bool published, bool failOnFailure) =>
        !published ? ExitCodes.PublishFailed
        // Inconclusive alone is exit 0: only a failed check (or on-inconclusive: fail, which makes it one) fails.
        : report.Conclusion == Conclusion.Failure && failOnFailure ? ExitCodes.GateFailed
        : ExitCodes.Success;
}
