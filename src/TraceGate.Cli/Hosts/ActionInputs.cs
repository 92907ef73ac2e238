using TraceGate.Cli.Settings;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// The action's inputs, as the runner passes them: INPUT_ and the input name in upper case with its hyphens kept
/// (INPUT_TEST-RESULTS). The same kebab-case names as the CLI options, action.yml and task.json.
/// </summary>
public sealed record ActionInputs(
    string Token,
    string CheckName,
    bool FailOnFailure,
    bool Comment,
    string Mode)
{
    public static ActionInputs From(IReadOnlyDictionary<string, string?> env)
    {
        string Get(string name, string fallback) => Read(env, name) is { Length: > 0 } v ? v : fallback;
        string failOn = Get("fail-on", "failure");
        if (failOn is not ("failure" or "never"))
        {
            throw new UserInputException($"input fail-on is '{failOn}': expected failure or never");
        }

        string mode = Get("mode", "run");
        if (mode is not ("run" or "evaluate" or "publish"))
        {
            throw new UserInputException($"input mode is '{mode}': expected run, evaluate or publish");
        }

        string comment = Get("comment", "false");
        if (comment is not ("true" or "false"))
        {
            throw new UserInputException($"input comment is '{comment}': expected true or false");
        }

        return new ActionInputs(Get("token", ""), Get("check-name", "TraceGate"), failOn == "failure", comment == "true", mode);
    }

    public static string? Read(IReadOnlyDictionary<string, string?> env, string name)
    {
        string upper = name.ToUpperInvariant();
        // GitHub keeps hyphens; some runners and shells turn them into underscores.
        return env.GetValueOrDefault("INPUT_" + upper) ?? env.GetValueOrDefault("INPUT_" + upper.Replace('-', '_'));
    }

    /// <summary>The gate's settings from the inputs: a configuration layer above the policy file.</summary>
    public static Dictionary<string, string?> SettingsLayer(IReadOnlyDictionary<string, string?> env)
    {
        var layer = new Dictionary<string, string?>();
        foreach (var key in new[] { "policy", "traces", "baseline", "test-results", "pr-template", "baseline-test-results", "proof", "trace-backend", "trace-backend-token-env" })
        {
            if (Read(env, key) is { } value && value.Trim().Length > 0)
            {
                // Multi-line inputs list one glob per line.
                layer[key] = TraceGateSettings.JoinList(value.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return layer;
    }
}
