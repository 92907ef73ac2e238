using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Proof;

/// <summary>One real `tracegate prove` of the payments fix (node --test, the OpenTelemetry JS SDK, a git worktree of
/// the base), shared by the tests that judge it in different ways.</summary>
public sealed class PaymentsProofFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public PaymentsProofFixture()
    {
        RepoPath = PaymentsHistory.Make(_dir.Path);
        BaseSha = Git.Run(RepoPath, "rev-parse", "base").Trim();
        HeadSha = Git.Run(RepoPath, "rev-parse", "HEAD").Trim();
        Prove = CliHarness.Run(RepoPath, ["prove", "--base", "base", "--", .. PaymentsHistory.NodeTest]);
    }

    public string RepoPath { get; }

    public string BaseSha { get; }

    public string HeadSha { get; }

    public CliResult Prove { get; }

    public string Proof => Path.Combine(RepoPath, ".tracegate", "proof");

    public string PrBody => Path.Combine(Repo.Example, "pr-body.md");

    public void Dispose() => _dir.Dispose();
}
