using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Cli;

/// <summary>Commit trailers read from real commits in a temporary repository.</summary>
public sealed class GitRangeTests
{
    [Fact]
    public void Check_GitRange_ReadsTrailersFromRealCommits()
    {
        using var repo = new TempDir();
        repo.Write("tests/t.py", "def test_x(): pass\n");
        var baseSha = Git.InitRepo(repo.Path,
            "fix: guard fee\n\nINC: INC-2471\nTRACE: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\nINVARIANT: never negative\nREPRO: tests/t.py::test_x\nROLLBACK: revert\n",
            "test: more\n\nINC: INC-2471\n");
        var r = CliHarness.Run(repo.Path, "check", "--git-range", baseSha + "..HEAD", "--report-json", "r.json");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().Contain("pass  evidence.agreement.incident").And.Contain("Incident agrees in 2 places");
        File.ReadAllText(repo.File("r.json")).Should().Contain("\"key\": \"ROLLBACK\"");
    }

    [Fact]
    public void Check_GitRange_DisagreeingCommitsFailNamingTheCommit()
    {
        using var repo = new TempDir();
        repo.Write("tests/t.py", "def test_x(): pass\n");
        var baseSha = Git.InitRepo(repo.Path,
            "fix: a\n\nINC: INC-2471\nTRACE: 3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2\nINVARIANT: x\nREPRO: tests/t.py::test_x\nROLLBACK: revert\n",
            "fix: b\n\nINC: INC-2472\n");
        var head = Git.Run(repo.Path, "rev-parse", "HEAD").Trim();
        var r = CliHarness.Run(repo.Path, "check", "--git-range", baseSha + "..HEAD");
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  evidence.agreement.incident").And.Contain($"commit {head[..12]}");
    }

    [Fact]
    public void Check_GitRangeOverSixteenMiBOfMessages_IsAnInputErrorNamingTheRange()
    {
        using var repo = new TempDir();
        string message = "fix: the fee guard\n\n" + string.Concat(Enumerable.Repeat("INC: INC-2471\n", (9 * 1024 * 1024) / 14));
        var baseSha = Git.InitRepo(repo.Path, message, message);
        var r = CliHarness.Run(repo.Path, "check", "--git-range", baseSha + "..HEAD");
        r.ExitCode.Should().Be(2, r.Out + r.Error);
        r.Error.Should().Contain($"the commit messages of --git-range {baseSha}..HEAD are 18,874,3").And.Contain("over the 16 MiB limit");
    }

    [Fact]
    public void Check_GitRangeThatLooksLikeAnOption_IsRefused()
    {
        using var repo = new TempDir();
        Git.InitRepo(repo.Path);
        var r = CliHarness.Run(repo.Path, "check", "--git-range=--output=/tmp/x..HEAD");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("expected BASE..HEAD");
    }

    [Fact]
    public void Check_GitRangeUnknownRevision_ExitsTwoWithGitsMessage()
    {
        using var repo = new TempDir();
        Git.InitRepo(repo.Path);
        var r = CliHarness.Run(repo.Path, "check", "--git-range", "nosuch..HEAD");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("git log failed").And.Contain("nosuch");
    }
}
