using Microsoft.Extensions.Configuration;

namespace TraceGate.Cli.Settings;

/// <summary>
/// The run's settings, layered with Microsoft.Extensions.Configuration: defaults, then the policy file, then
/// <c>TRACEGATE_*</c> environment variables, then the command line. Keys are the CLI options' kebab-case names.
/// A list is stored as one newline-separated value, because a configuration layer that sets fewer array elements
/// than the layer below would otherwise keep the lower layer's extra elements.
/// </summary>
public sealed record TraceGateSettings(
    string Workspace,
    string? Policy,
    string? PrBody,
    string? Commits,
    string? GitRange,
    IReadOnlyList<string> TestResults,
    string? ReportJson,
    string? SummaryMd,
    IReadOnlyList<string> Traces,
    IReadOnlyList<string> Baseline)
{
    public static readonly string[] Keys = ["workspace", "policy", "pr-body", "commits", "git-range", "test-results", "report-json", "summary-md", "traces", "baseline", "pr-template",
        "labels", "title", "branch", "author", "changed-files", "baseline-test-results", "proof"];

    /// <summary>The PR's labels; null when not given, empty when given as none (<c>--labels ''</c>).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    public string? Title { get; init; }

    public string? Branch { get; init; }

    public string? Author { get; init; }

    /// <summary>A file listing the changed files, one path a line.</summary>
    public string? ChangedFiles { get; init; }

    /// <summary>Result files of the same tests on the base commit (<c>tests.baseline</c>), for <c>proof.repro</c>.</summary>
    public IReadOnlyList<string> BaselineTestResults { get; init; } = [];

    /// <summary>The directory <c>tracegate prove</c> wrote (default: <c>.tracegate/proof</c> when it exists).</summary>
    public string? Proof { get; init; }

    /// <summary>The PR template file, relative to the checkout (default: the templates found in it).</summary>
    public string? PrTemplate { get; init; }

    public static IConfigurationBuilder Builder(
        IReadOnlyDictionary<string, string?> policyLayer,
        IReadOnlyDictionary<string, string?> environment,
        IReadOnlyDictionary<string, string?> commandLine) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["workspace"] = "." })
            .AddInMemoryCollection(policyLayer)
            .Add(new PrefixedEnvironmentSource("TRACEGATE_", environment))
            .AddInMemoryCollection(commandLine);

    public static TraceGateSettings From(IConfiguration config) => new(
        config["workspace"] is { Length: > 0 } ws ? ws : ".",
        Value(config, "policy"),
        Value(config, "pr-body"),
        Value(config, "commits"),
        Value(config, "git-range"),
        List(config["test-results"]),
        Value(config, "report-json"),
        Value(config, "summary-md"),
        List(config["traces"]),
        List(config["baseline"]))
    {
        PrTemplate = Value(config, "pr-template"),
        Labels = config["labels"] is { } labels ? List(labels) : null,
        Title = Value(config, "title"),
        Branch = Value(config, "branch"),
        Author = Value(config, "author"),
        ChangedFiles = Value(config, "changed-files"),
        BaselineTestResults = List(config["baseline-test-results"]),
        Proof = Value(config, "proof"),
    };

    public static string? JoinList(IEnumerable<string>? items) =>
        items is null ? null : string.Join('\n', items.Where(i => i.Trim().Length > 0));

    private static string? Value(IConfiguration config, string key) => config[key] is { Length: > 0 } v ? v : null;

    private static List<string> List(string? value) =>
        value is null ? [] : value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

/// <summary>Maps <c>TRACEGATE_TEST_RESULTS</c> to the key <c>test-results</c>. Reads a given environment, not the
/// process's, so tests and hosts pass their own.</summary>
public sealed class PrefixedEnvironmentSource(string prefix, IReadOnlyDictionary<string, string?> environment) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(prefix, environment);

    private sealed class Provider(string prefix, IReadOnlyDictionary<string, string?> environment) : ConfigurationProvider
    {
        public override void Load()
        {
            foreach (var key in TraceGateSettings.Keys)
            {
                string name = prefix + key.ToUpperInvariant().Replace('-', '_');
                // TRACEGATE_LABELS set but empty says "no labels", as --labels '' does: a workflow that joins the
                // PR's label names gets an empty string for a PR without labels.
                if (environment.TryGetValue(name, out var value) && (value is { Length: > 0 } || (key == "labels" && value is not null)))
                {
                    Data[key] = value;
                }
            }
        }
    }
}
