using System.Diagnostics;
using System.Text.Json;
using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Proof;

/// <summary>What goes wrong around `tracegate prove`: a clear message, the documented exit code, and no worktree
/// left behind in any case.</summary>
public sealed class ProveBadInputTests : IDisposable
{
    private const string Repro = "test/transfer.test.mjs::fee guard fires";
    private readonly TempDir _dir = new();
    private readonly string _repo;

    public ProveBadInputTests() => _repo = PaymentsHistory.Make(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private void NothingLeftBehind()
    {
        PaymentsHistory.ExtraWorktrees(_repo).Should().BeEmpty();
        Directory.Exists(Path.Combine(_repo, ".tracegate", "worktree")).Should().BeFalse();
    }

    [Fact]
    public void Prove_CommandNotFound_Exits2NamingItAndRemovesTheWorktree()
    {
        var r = CliHarness.Run(_repo, "prove", "--base", "base", "--repro", Repro, "--", "no-such-runner-4711", "--test");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("the command 'no-such-runner-4711' cannot be started on the baseline side").And.Contain("on PATH");
        r.Error.Should().NotContain("   at ");
        NothingLeftBehind();
    }

    [Fact]
    public void Prove_BaseThatDoesNotExist_Exits2NamingIt()
    {
        var r = CliHarness.Run(_repo, "prove", "--base", "origin/no-such-branch", "--repro", Repro, "--", "true");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("--base origin/no-such-branch: no such commit, branch or tag").And.Contain("never fetches");
        NothingLeftBehind();
        Directory.Exists(Path.Combine(_repo, ".tracegate", "proof")).Should().BeFalse();
    }

    [Fact]
    public void Prove_ShallowCloneWithoutTheBase_Exits2SayingWhichFetchDepthToUse()
    {
        string baseSha = Git.Run(_repo, "rev-parse", "base").Trim();
        string shallow = Path.Combine(_dir.Path, "shallow");
        Git.Run(_dir.Path, "clone", "-q", "--depth", "1", "--no-tags", "file://" + _repo, shallow);
        var r = CliHarness.Run(shallow, "prove", "--base", baseSha, "--repro", Repro, "--", "true");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("which is shallow").And.Contain("fetch-depth: 0").And.Contain("fetchDepth: 0");
    }

    [Fact]
    public void Prove_NotAGitRepository_Exits2()
    {
        using var plain = new TempDir();
        var r = CliHarness.Run(plain.Path, "prove", "--base", "main", "--repro", Repro, "--", "true");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("not inside a git repository");
    }

    [Fact]
    public void Prove_NoCommand_Exits2WithAnExample()
    {
        var r = CliHarness.Run(_repo, "prove", "--base", "base", "--repro", Repro);
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("no command to run: give it after --");
    }

    [Fact]
    public void Prove_UnknownOption_Exits2InsteadOfRunningItAsTheCommand()
    {
        var r = CliHarness.Run(_repo, "prove", "--base", "base", "--labels", "bug", "--", "true");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("unknown option '--labels' for tracegate prove");
        NothingLeftBehind();
    }

    [Fact]
    public void Prove_NoReproInTheEvidence_Exits2SayingWhereItLooked()
    {
        var r = CliHarness.Run(_repo, "prove", "--base", "HEAD~1", "--", "true");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("no repro test is named in the commits of HEAD~1..HEAD");
    }

    [Fact]
    public void Prove_ReproFileNotInTheWorkspace_Exits2()
    {
        var r = CliHarness.Run(_repo, "prove", "--base", "base", "--repro", "test/gone.test.mjs::x", "--", "true");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("the repro's file 'test/gone.test.mjs' is not in the workspace");
        NothingLeftBehind();
    }

    [Fact]
    public void Prove_ReproFromTheCommitTrailers_IsTheDefault()
    {
        var r = CliHarness.Run(_repo, "prove", "--base", "base", "--", "true");
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().Contain("proving test/transfer.test.mjs::fee guard fires");
    }

    [Fact]
    public void ProveThenCheck_RunnerWritesNoResultsFile_ProveWarnsAndCheckFailsProofRepro()
    {
        var r = CliHarness.Run(_repo, "prove", "--base", "base", "--repro", Repro, "--", "true");
        r.ExitCode.Should().Be(0, "both runs finished");
        r.Out.Should().Contain("baseline: exit code 0").And.Contain("no results file at");
        NothingLeftBehind();
        var check = CliHarness.Run(_repo, "check", "--pr-body", Path.Combine(Repo.Example, "pr-body.md"));
        check.ExitCode.Should().Be(1);
        check.Out.Should().Contain("FAIL  proof.repro").And.Contain("has no baseline results: the command wrote no results file at {results}");
    }

    [Fact]
    public void Prove_LeftoverWorktreeOfAKilledRun_IsRemovedByTheNextRun()
    {
        var left = Path.Combine(_repo, ".tracegate", "worktree");
        Git.Run(_repo, "worktree", "add", "-q", "--detach", left, "base");
        var r = CliHarness.Run(_repo, "prove", "--base", "base", "--repro", Repro, "--", "true");
        r.ExitCode.Should().Be(0, r.Error);
        r.Out.Should().Contain("removed the worktree an earlier run left");
        NothingLeftBehind();
    }

    [Fact]
    public void Prove_SideOverItsTimeLimit_IsStoppedRecordedAndExits2()
    {
        var r = CliHarness.Run(_repo, "prove", "--base", "base", "--repro", Repro, "--timeout", "1s", "--", "sleep", "30");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("baseline: the command took longer than the time limit (1s)");
        var run = JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo, ".tracegate", "proof", "baseline", "run.json"))).RootElement;
        run.GetProperty("timedOut").GetBoolean().Should().BeTrue();
        run.GetProperty("exitCode").ValueKind.Should().Be(JsonValueKind.Null);
        NothingLeftBehind();
    }

    [Fact]
    public async Task Prove_Sigterm_StopsTheCommandRemovesTheWorktreeAndExits143()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tracegate.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "prove", "--base", "base", "--repro", Repro, "--", "sleep", "60"])
        {
            WorkingDirectory = _repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string? line;
        while ((line = await p.StandardOutput.ReadLineAsync()) is not null && !line.Contains("baseline: running", StringComparison.Ordinal))
        {
        }

        line.Should().NotBeNull("prove started the baseline run");
        Directory.Exists(Path.Combine(_repo, ".tracegate", "worktree")).Should().BeTrue("the baseline runs in the worktree");
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        await p.StandardOutput.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(limit.Token);
        p.ExitCode.Should().Be(143);
        (await err).Should().Contain("interrupted");
        NothingLeftBehind();
    }

    [Fact]
    public void ProveThenCheck_ReproImportingWhatOnlyTheFixAdds_FailsErroredBeforeTheFix()
    {
        // A repro that calls a function the fix introduced cannot even load on the base: it proves nothing.
        File.AppendAllText(Path.Combine(_repo, "src", "transfer.mjs"), "\nexport function feeFor(amount) { return Math.round(amount * 0.02); }\n");
        File.WriteAllText(Path.Combine(_repo, "test", "fee.test.mjs"), """
            import assert from 'node:assert/strict';
            import { test } from 'node:test';
            import { feeFor } from '../src/transfer.mjs';

            test('fee is two percent', () => { assert.equal(feeFor(100), 2); });
            """);
        Git.Run(_repo, "add", "-A");
        Git.Run(_repo, "commit", "-q", "-m", "feeFor");
        var r = CliHarness.Run(_repo, ["prove", "--base", "base", "--repro", "test/fee.test.mjs::fee is two percent", "--", .. PaymentsHistory.NodeTest]);
        r.ExitCode.Should().Be(0, r.Error);
        using var dir = new TempDir();
        var pr = dir.Write("pr.md", File.ReadAllText(Path.Combine(Repo.Example, "pr-body.md")).Replace("test/transfer.test.mjs::fee guard fires", "test/fee.test.mjs::fee is two percent", StringComparison.Ordinal));
        var check = CliHarness.Run(_repo, "check", "--pr-body", pr);
        check.ExitCode.Should().Be(1);
        check.Out.Should().Contain("errored before the fix: the test file could not run").And.Contain("(a test that cannot run proves nothing)");
    }
}
