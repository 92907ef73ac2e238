using TraceGate.Cli;
using TraceGate.Cli.Hosts;

namespace TraceGate.Tests.TestInfrastructure;

public sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>Runs the whole CLI in-process with its own environment and working directory.</summary>
public static class CliHarness
{
    public static CliResult Run(string cwd, IReadOnlyDictionary<string, string?>? env, params string[] args) =>
        RunWithHttp(cwd, env, null, null, args);

    public static CliResult RunWithHttp(string cwd, IReadOnlyDictionary<string, string?>? env, HttpMessageHandler? handler,
        TraceGate.Cli.Publishers.RetryPolicy? retry, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var ctx = new RunContext(stdout, stderr, env ?? new Dictionary<string, string?>(), cwd, OutputIsTerminal: false);
        int code = CliApp.Run(args, ctx, handler is null ? null : () => handler, retry);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public static CliResult Run(string cwd, params string[] args) => Run(cwd, null, args);
}
