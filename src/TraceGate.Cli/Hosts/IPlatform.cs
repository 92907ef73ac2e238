using TraceGate.Cli.Settings;
using TraceGate.Core.Model;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// One CI platform (the command line, GitHub Actions, Azure Pipelines) behind one seam: it reads its context and
/// evidence, says where its users read the verdict without the API, and publishes it. Writing the verdict, the order,
/// the exit codes and the commit cap are <see cref="PlatformRunner"/>'s, the same for every platform.
/// </summary>
public interface IPlatform : IDisposable
{
    /// <summary>Whether a failed gate fails the step (<c>fail-on: failure</c>, the default) or only reports.</summary>
    bool FailOnFailure { get; }

    /// <summary>Reads the platform's context: the settings and any evidence fetched from its API, or, in a step that
    /// only publishes, the verdict an earlier step wrote. Throws <see cref="UserInputException"/> for input the user
    /// must fix.</summary>
    PlatformInput Read(RunContext ctx);

    /// <summary>Says what to write locally and where: the JSON report, the Markdown summary (step summary), the
    /// platform's commands (annotations, step outputs). <see cref="VerdictWriter"/> writes it before
    /// <see cref="Publish"/>, the same way for every platform, so the verdict is never lost.</summary>
    LocalOutputs Outputs(RunContext ctx, Report report);

    /// <summary>Publishes the verdict (check run, PR status, comment); false when publishing failed after retries.</summary>
    bool Publish(RunContext ctx, Report report);

    /// <summary>The last word, with the exit code the run returns (Azure's task result).</summary>
    void Complete(RunContext ctx, Report report, int exitCode);
}

/// <summary>What a platform read: the context to run the gate in (its current directory is the checkout), the
/// settings and the evidence it fetched; or <paramref name="Verdict"/>, a report to publish instead of a gate to run.</summary>
public sealed record PlatformInput(RunContext Context, TraceGateSettings Settings, CheckRunner.FetchedEvidence? Fetched = null)
{
    public Report? Verdict { get; init; }
}
