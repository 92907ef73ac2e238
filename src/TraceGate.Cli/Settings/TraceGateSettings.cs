using Microsoft.Extensions.Configuration;

namespace TraceGate.Cli.Settings;

/// <summary>
/// What the CI configuration says for one <c>tracegate check</c>: the command line's options, the <c>TRACEGATE_*</c>
/// environment variables, or the action's and the task's inputs, bound with Microsoft.Extensions.Configuration
/// (the command line over the environment over the defaults). Keys are the CLI options' kebab-case names. Tests
/// construct it directly. A list that is null was not given, so the policy file's globs (or a proof directory's
/// files) apply; an empty one was given as none. A list arrives in the configuration as one newline-separated
/// value, because a layer that sets fewer array elements than the layer below would otherwise keep the lower
/// layer's extra elements.
/// </summary>
public sealed record TraceGateSettings
{
    public static readonly string[] Keys = ["workspace", "policy", "pr-body", "commits", "git-range", "test-results", "report-json", "summary-md", "traces", "baseline", "pr-template",
        "labels", "title", "branch", "author", "changed-files", "baseline-test-results", "proof", "trace-backend", "trace-backend-token-env"];

    /// <summary>The checkout (default: the current directory); globs and repro paths are relative to it.</summary>
    public string Workspace { get; init; } = ".";

    /// <summary>The policy file (default: <c>.tracegate.yml</c> in the workspace, or the documented defaults).</summary>
    public string? Policy { get; init; }

    /// <summary>A file holding the PR description.</summary>
    public string? PrBody { get; init; }

    /// <summary>A file of NUL-separated commit messages (<c>git log -z --format=%B</c>).</summary>
    public string? Commits { get; init; }

    /// <summary>BASE..HEAD, read from the workspace's git repository.</summary>
    public string? GitRange { get; init; }

    /// <summary>Globs of test reports; null: <c>tests.results</c> of the policy.</summary>
    public IReadOnlyList<string>? TestResults { get; init; }

    /// <summary>Where to write the JSON report.</summary>
    public string? ReportJson { get; init; }

    /// <summary>Where to write the Markdown summary.</summary>
    public string? SummaryMd { get; init; }

    /// <summary>Globs of trace files; null: <c>traces.files</c> of the policy.</summary>
    public IReadOnlyList<string>? Traces { get; init; }

    /// <summary>Globs of the baseline run's trace files; null: <c>traces.baseline</c> of the policy.</summary>
    public IReadOnlyList<string>? Baseline { get; init; }

    /// <summary>The PR's labels; null when not given, empty when given as none (<c>--labels ''</c>).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    public string? Title { get; init; }

    public string? Branch { get; init; }

    public string? Author { get; init; }

    /// <summary>A file listing the changed files, one path a line.</summary>
    public string? ChangedFiles { get; init; }

    /// <summary>Result files of the same tests on the base commit; null: <c>tests.baseline</c> of the policy.</summary>
    public IReadOnlyList<string>? BaselineTestResults { get; init; }

    /// <summary>The directory <c>tracegate prove</c> wrote (default: <c>.tracegate/proof</c> when it exists).</summary>
    public string? Proof { get; init; }

    /// <summary>The trace backend for the incident's trace (<c>jaeger=URL</c>, <c>tempo=URL</c>): CI configuration only.</summary>
    public string? TraceBackend { get; init; }

    /// <summary>The environment variable holding the trace backend's bearer token.</summary>
    public string? TraceBackendTokenEnv { get; init; }

    /// <summary>The PR template file, relative to the checkout (default: the templates found in it).</summary>
    public string? PrTemplate { get; init; }

    /// <summary>Binds the settings: <paramref name="given"/> (the command line's options, or a host's action or
    /// task inputs, by key) over the <c>TRACEGATE_*</c> variables of <paramref name="environment"/>.</summary>
    public static TraceGateSettings Bind(IReadOnlyDictionary<string, string?> environment, IReadOnlyDictionary<string, string?> given) =>
        From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["workspace"] = "." })
            .Add(new PrefixedEnvironmentSource("TRACEGATE_", environment))
            .AddInMemoryCollection(given)
            .Build());

    public static TraceGateSettings From(IConfiguration config) => new()
    {
        Workspace = config["workspace"] is { Length: > 0 } ws ? ws : ".",
        Policy = Value(config, "policy"),
        PrBody = Value(config, "pr-body"),
        Commits = Value(config, "commits"),
        GitRange = Value(config, "git-range"),
        TestResults = GivenList(config, "test-results"),
        ReportJson = Value(config, "report-json"),
        SummaryMd = Value(config, "summary-md"),
        Traces = GivenList(config, "traces"),
        Baseline = GivenList(config, "baseline"),
        PrTemplate = Value(config, "pr-template"),
        Labels = GivenList(config, "labels"),
        Title = Value(config, "title"),
        Branch = Value(config, "branch"),
        Author = Value(config, "author"),
        ChangedFiles = Value(config, "changed-files"),
        BaselineTestResults = GivenList(config, "baseline-test-results"),
        Proof = Value(config, "proof"),
        TraceBackend = Value(config, "trace-backend"),
        TraceBackendTokenEnv = Value(config, "trace-backend-token-env"),
    };

    public static string? JoinList(IEnumerable<string>? items) =>
        items is null ? null : string.Join('\n', items.Where(i => i.Trim().Length > 0));

    private static string? Value(IConfiguration config, string key) => config[key] is { Length: > 0 } v ? v : null;

    private static List<string>? GivenList(IConfiguration config, string key) =>
        config[key] is { } value ? value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() : null;
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
