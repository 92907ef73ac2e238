using TraceGate.Cli.Publishers;
using TraceGate.Cli.Settings;

namespace TraceGate.Cli.Hosts;

/// <summary>The CI platforms <c>tracegate check</c> runs on.</summary>
public enum PlatformKind
{
    /// <summary>The command line: options and <c>TRACEGATE_*</c>.</summary>
    Local,

    /// <summary>GitHub Actions: the action's inputs, the runner's variables and the event file.</summary>
    GitHubActions,

    /// <summary>Azure Pipelines: the task's inputs and the agent's variables.</summary>
    AzurePipelines,
}

/// <summary>Which platform a run is on, and the one type that serves it.</summary>
public static class Platforms
{
    /// <summary>
    /// GitHub Actions when GITHUB_ACTIONS=true, Azure Pipelines when TF_BUILD=True, but only when no option was typed:
    /// a workflow step that calls <c>tracegate check --pr-body ...</c> itself asked for the command line, and gets
    /// exactly what it typed, on any runner.
    /// </summary>
    public static PlatformKind Detect(IReadOnlyDictionary<string, string?> environment, int typedOptions) =>
        typedOptions > 0 ? PlatformKind.Local
        : GitHubActionsHost.Applies(environment) ? PlatformKind.GitHubActions
        : AzurePipelinesHost.Applies(environment) ? PlatformKind.AzurePipelines
        : PlatformKind.Local;

    /// <param name="commandLine">The settings of the command line, for <see cref="PlatformKind.Local"/>.</param>
    public static IPlatform Create(PlatformKind kind, TraceGateSettings commandLine, Func<HttpMessageHandler>? handlerFactory = null, RetryPolicy? retry = null) => kind switch
    {
        PlatformKind.GitHubActions => new GitHubActionsHost(handlerFactory, retry),
        PlatformKind.AzurePipelines => new AzurePipelinesHost(handlerFactory, retry),
        _ => new LocalPlatform(commandLine),
    };
}
