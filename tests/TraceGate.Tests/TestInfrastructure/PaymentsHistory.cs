using System.Diagnostics;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>The payments example's real git history (examples/payments/make-history.sh): base is the overdraft bug,
/// HEAD~1 the fix with the repro, HEAD the property test. Needs `npm ci` in examples/payments (./build.sh test).</summary>
public static class PaymentsHistory
{
    /// <summary>The command the README gives: node --test with the OpenTelemetry JS SDK loaded, JUnit to {results}.</summary>
    public static readonly string[] NodeTest =
    [
        "node", "--import", "./src/tracing.mjs", "--test", "--test-reporter=spec", "--test-reporter-destination=stdout",
        "--test-reporter=junit", "--test-reporter-destination={results}",
    ];

    public static string Make(string dir)
    {
        if (!Directory.Exists(Path.Combine(Repo.Example, "node_modules", "@opentelemetry", "sdk-trace")))
        {
            throw new InvalidOperationException("examples/payments has no node_modules: run ./build.sh test (it runs npm ci there)");
        }

        string repo = Path.Combine(dir, "payments");
        var psi = new ProcessStartInfo("bash", [Path.Combine(Repo.Example, "make-history.sh"), repo])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("make-history.sh failed: " + err.Result);
        }

        return repo;
    }

    /// <summary>The repository's worktrees other than the main one: none may be left behind.</summary>
    public static IReadOnlyList<string> ExtraWorktrees(string repo) =>
        Git.Run(repo, "worktree", "list", "--porcelain").Split('\n')
            .Where(l => l.StartsWith("worktree ", StringComparison.Ordinal)).Skip(1).ToList();
}
