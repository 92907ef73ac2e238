using System.CommandLine;

namespace TraceGate.Cli.Settings;

/// <summary>
/// The options of <c>tracegate check</c> and <c>tracegate evidence</c>, one per <see cref="TraceGateSettings"/> key
/// and named as the key (the same kebab-case name as action.yml, task.json and the README). <see cref="Bind"/>
/// turns a parse into settings, so a test parses a command line and reads the settings without running a gate.
/// </summary>
public sealed class CheckOptions
{
    public Option<string?> Workspace { get; } = new("--workspace") { Description = "The checkout to check (default: the current directory). Globs and repro paths are relative to it." };

    public Option<string?> Policy { get; } = new("--policy") { Description = "The policy file (default: .tracegate.yml in the workspace; without one, the documented defaults)." };

    public Option<string?> PrBody { get; } = new("--pr-body") { Description = "A file holding the PR description (Markdown)." };

    public Option<string?> Commits { get; } = new("--commits") { Description = "A file of NUL-separated commit messages, as written by: git log -z --format=%B BASE..HEAD" };

    public Option<string?> GitRange { get; } = new("--git-range") { Description = "Read the commit messages of BASE..HEAD from the workspace's git repository." };

    public Option<string[]> TestResults { get; } = new("--test-results") { Description = "Glob of JUnit XML or TRX files, relative to the workspace (repeatable).", Arity = ArgumentArity.ZeroOrMore };

    public Option<string?> ReportJson { get; } = new("--report-json") { Description = "Write the JSON report to this file." };

    public Option<string?> SummaryMd { get; } = new("--summary-md") { Description = "Write the Markdown summary to this file." };

    public Option<string[]> Traces { get; } = new("--traces") { Description = "Glob of OTLP trace files (protobuf or JSON, plain, gzip or zstd), relative to the workspace (repeatable); replaces traces.files.", Arity = ArgumentArity.ZeroOrMore };

    public Option<string[]> Baseline { get; } = new("--baseline") { Description = "Glob of the baseline run's trace files (repeatable); replaces traces.baseline.", Arity = ArgumentArity.ZeroOrMore };

    public Option<string?> PrTemplate { get; } = new("--pr-template") { Description = "The PR template, relative to the workspace and inside it (default: the templates the checkout holds where GitHub and Azure Repos look). A value that is still the template's text is a placeholder." };

    public Option<string[]> Labels { get; } = new("--labels") { Description = "A label of the PR (repeatable, one label each); --labels '' says the PR has none. For evidence.when, skip-labels, required: { when } and the labels source.", Arity = ArgumentArity.ZeroOrMore };

    public Option<string?> Title { get; } = new("--title") { Description = "The PR title, for evidence.when.title." };

    public Option<string?> Branch { get; } = new("--branch") { Description = "The PR's head branch (short name, e.g. fix/overdraft), for evidence.when.branches." };

    public Option<string?> Author { get; } = new("--author") { Description = "The PR author's login, for evidence.skip-authors." };

    public Option<string?> ChangedFiles { get; } = new("--changed-files") { Description = "A file listing the PR's changed files, one path a line (default with --git-range: git diff --name-status BASE...HEAD)." };

    public Option<string[]> BaselineTestResults { get; } = new("--baseline-test-results") { Description = "Glob of the same tests' JUnit XML or TRX from the base commit (repeatable); replaces tests.baseline. With it, proof.repro requires the repro to fail there and pass here.", Arity = ArgumentArity.ZeroOrMore };

    public Option<string?> Proof { get; } = new("--proof") { Description = "The directory tracegate prove wrote (default: .tracegate/proof when it exists): its head results and traces are this run's, its baseline the baseline." };

    public Option<string?> TraceBackend { get; } = new("--trace-backend") { Description = "The trace backend holding the incident's trace when it is not committed under incidents/: jaeger=URL or tempo=URL. CI configuration only: the policy cannot name one." };

    public Option<string?> TraceBackendTokenEnv { get; } = new("--trace-backend-token-env") { Description = "The environment variable holding the trace backend's bearer token (never printed)." };

    /// <summary>What the gate reads: the options of both <c>check</c> and <c>evidence</c>, in help order.</summary>
    public IReadOnlyList<Option> Inputs =>
        [Workspace, Policy, PrBody, Commits, GitRange, TestResults, Traces, Baseline, PrTemplate, Labels, Title, Branch, Author, ChangedFiles, BaselineTestResults, Proof, TraceBackend, TraceBackendTokenEnv];

    /// <summary>Where <c>check</c> writes the verdict.</summary>
    public IReadOnlyList<Option> Outputs => [ReportJson, SummaryMd];

    /// <summary>The options given on this command line, by settings key; a list as one newline-separated value.</summary>
    public Dictionary<string, string?> Given(ParseResult parse)
    {
        var values = new Dictionary<string, string?>();
        foreach (var option in Inputs.Concat(Outputs))
        {
            if (parse.GetResult(option) is null)
            {
                continue;
            }

            values[option.Name.TrimStart('-')] = option switch
            {
                Option<string[]> many => TraceGateSettings.JoinList(parse.GetValue(many)),
                Option<string?> one => parse.GetValue(one),
                _ => null,
            };
        }

        return values;
    }

    /// <summary>The settings of this command line over the <c>TRACEGATE_*</c> variables of <paramref name="environment"/>.</summary>
    public TraceGateSettings Bind(ParseResult parse, IReadOnlyDictionary<string, string?> environment) =>
        TraceGateSettings.Bind(environment, Given(parse));
}
