namespace TraceGate.Tests.TestInfrastructure;

/// <summary>The variables a GitHub Actions step sees, for tests that run the CLI as the action would.</summary>
public static class ActionEnvironment
{
    /// <summary>
    /// A push run without a token: no pull request and nothing to publish, so the run writes only its local outputs
    /// (the step summary and <c>$GITHUB_OUTPUT</c>, both in <paramref name="runner"/>).
    /// </summary>
    public static Dictionary<string, string?> GitHubPush(string workspace, TempDir runner) => new()
    {
        ["GITHUB_ACTIONS"] = "true",
        ["GITHUB_EVENT_NAME"] = "push",
        ["GITHUB_EVENT_PATH"] = runner.Write("event.json", "{}"),
        ["GITHUB_REPOSITORY"] = "acme/payments",
        ["GITHUB_WORKSPACE"] = workspace,
        ["GITHUB_STEP_SUMMARY"] = runner.File("summary.md"),
        ["GITHUB_OUTPUT"] = runner.File("output.txt"),
        ["INPUT_TOKEN"] = "",
    };
}
