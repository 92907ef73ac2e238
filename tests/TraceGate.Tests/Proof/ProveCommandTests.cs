using System.Text.Json;
using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Proof;

/// <summary>`tracegate prove` and `tracegate check --proof` on the payments example's real history: a real git
/// worktree of the base, node --test as the runner, the OpenTelemetry JS SDK exporting to the in-process receiver.</summary>
public sealed class ProveCommandTests(PaymentsProofFixture proof) : IClassFixture<PaymentsProofFixture>
{
    private static JsonElement RunJson(string dir, string side) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, side, "run.json"))).RootElement.Clone();

    [Fact]
    public void Prove_PaymentsFix_WritesBothSidesWithResultsTracesAndRunRecord()
    {
        proof.Prove.ExitCode.Should().Be(0, proof.Prove.Out + proof.Prove.Error);
        var baseline = RunJson(proof.Proof, "baseline");
        var head = RunJson(proof.Proof, "head");
        baseline.GetProperty("commit").GetString().Should().Be(proof.BaseSha);
        head.GetProperty("commit").GetString().Should().Be(proof.HeadSha);
        baseline.GetProperty("exitCode").GetInt32().Should().Be(1, "the repro fails on the base");
        head.GetProperty("exitCode").GetInt32().Should().Be(0);
        baseline.GetProperty("spans").GetInt64().Should().BeGreaterThan(0, "the SDK exported the base run's spans");
        head.GetProperty("spans").GetInt64().Should().BeGreaterThan(baseline.GetProperty("spans").GetInt64(), "the head runs one more test file");
        baseline.GetProperty("results").GetString().Should().Be("results.xml");
        baseline.GetProperty("durationMs").GetInt64().Should().BeGreaterThan(0);
        baseline.GetProperty("command").EnumerateArray().Select(a => a.GetString()).Should()
            .Contain(Path.Combine(proof.Proof, "baseline", "results.xml").Insert(0, "--test-reporter-destination="), "{results} is replaced");
        foreach (var side in new[] { "baseline", "head" })
        {
            new FileInfo(Path.Combine(proof.Proof, side, "traces.pb")).Length.Should().BeGreaterThan(0);
            File.ReadAllText(Path.Combine(proof.Proof, side, "results.xml")).Should().Contain("fee guard fires");
        }
    }

    [Fact]
    public void Prove_PaymentsFix_StreamsEachSideBehindItsPrefixAndLeavesNoWorktree()
    {
        proof.Prove.Out.Should().Contain("[baseline] ✖ fee guard fires").And.Contain("[head] ✔ fee guard fires");
        proof.Prove.Out.Should().Contain("laid 1 test file(s) of the head");
        proof.Prove.Out.Split('\n').Where(l => l.Contains("Missing expected exception", StringComparison.Ordinal))
            .Should().OnlyContain(l => l.StartsWith("[baseline] ", StringComparison.Ordinal));
        PaymentsHistory.ExtraWorktrees(proof.RepoPath).Should().BeEmpty();
        Directory.Exists(Path.Combine(proof.RepoPath, ".tracegate", "worktree")).Should().BeFalse();
    }

    [Fact]
    public void Check_PaymentsProof_PassesProofReproAndUsesTheProofsResultsAndTraces()
    {
        using var out_ = new TempDir();
        var r = CliHarness.Run(proof.RepoPath, "check", "--pr-body", proof.PrBody, "--git-range", "base..HEAD", "--report-json", out_.File("r.json"));
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().MatchRegex(@"pass  proof\.repro +test/transfer\.test\.mjs::fee guard fires fails before the fix \(Missing expected exception \(Overdraft\)\.");
        // The policy's tests.results and traces.files name committed artifacts that this repository does not have:
        // the proof's files replace them.
        r.Out.Should().Contain("fee guard fires passed (.tracegate/proof/head/results.xml:");
        r.Out.Should().MatchRegex(@"pass  traces\.files +read \d+ spans from 1 trace file");
        r.Out.Should().MatchRegex(@"pass  traces\.baseline +read \d+ spans from 1 baseline trace file");
        var report = JsonDocument.Parse(File.ReadAllText(out_.File("r.json"))).RootElement;
        var p = report.GetProperty("proof");
        p.GetProperty("baseline").GetProperty("repro").GetString().Should().Be("failed");
        p.GetProperty("baseline").GetProperty("commit").GetString().Should().Be(proof.BaseSha);
        p.GetProperty("baseline").GetProperty("exitCode").GetInt32().Should().Be(1);
        p.GetProperty("head").GetProperty("repro").GetString().Should().Be("passed");
        p.GetProperty("head").GetProperty("spans").GetInt64().Should().BeGreaterThan(0);
    }

    [Fact]
    public void Check_ReproThatPassesOnTheBaseToo_FailsProofReproSayingItDoesNotReproduce()
    {
        using var dir = new TempDir();
        var weak = dir.Write("pr.md", File.ReadAllText(proof.PrBody).Replace("test/transfer.test.mjs::fee guard fires", "test/transfer.test.mjs::debits the fee and the amount", StringComparison.Ordinal));
        var r = CliHarness.Run(proof.RepoPath, "check", "--pr-body", weak);
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("FAIL  proof.repro").And.Contain("debits the fee and the amount passes before the fix too: it does not reproduce the bug");
    }

    [Fact]
    public void Check_ReproNotInTheBaselineResults_FailsAskingWhetherTheCommandRanIt()
    {
        using var dir = new TempDir();
        // The property test's file is not laid over the base, so the base never ran it.
        var other = dir.Write("pr.md", File.ReadAllText(proof.PrBody).Replace("test/transfer.test.mjs::fee guard fires", "test/invariants.test.mjs::balance never goes negative, fees included", StringComparison.Ordinal));
        var r = CliHarness.Run(proof.RepoPath, "check", "--pr-body", other);
        r.ExitCode.Should().Be(1);
        r.Out.Should().Contain("is not in the baseline results: did the command run it?");
    }

    [Fact]
    public void Check_BaselineTestResultsGlob_JudgesTheSameWithoutAProofDirectory()
    {
        using var copy = new TempDir();
        // CI that runs the base side in its own job hands over only the results files.
        var ws = Path.Combine(copy.Path, "ws");
        Directory.CreateDirectory(Path.Combine(ws, "test"));
        File.Copy(Path.Combine(proof.RepoPath, "test", "transfer.test.mjs"), Path.Combine(ws, "test", "transfer.test.mjs"));
        Directory.CreateDirectory(Path.Combine(ws, "results"));
        File.Copy(Path.Combine(proof.Proof, "baseline", "results.xml"), Path.Combine(ws, "results", "base.xml"));
        File.Copy(Path.Combine(proof.Proof, "head", "results.xml"), Path.Combine(ws, "results", "head.xml"));
        var r = CliHarness.Run(ws, "check", "--pr-body", proof.PrBody, "--test-results", "results/head.xml", "--baseline-test-results", "results/base.xml");
        r.Out.Should().Contain("pass  proof.repro").And.Contain("fails before the fix (Missing expected exception (Overdraft).");

        File.WriteAllText(Path.Combine(ws, ".tracegate.yml"), "version: 1\ntests:\n  results: ['results/head.xml']\n  baseline: ['results/base.xml']\n");
        var byPolicy = CliHarness.Run(ws, "check", "--pr-body", proof.PrBody);
        byPolicy.Out.Should().Contain("pass  proof.repro");

        var missing = CliHarness.Run(ws, "check", "--pr-body", proof.PrBody, "--baseline-test-results", "results/none-*.xml");
        missing.ExitCode.Should().Be(1);
        missing.Out.Should().Contain("has no baseline results: no file matched 'results/none-*.xml' in the workspace");
    }

    [Fact]
    public void GitHubAction_ProofOnTheRunner_IsReadFromTheDefaultDirectoryOrTheProofInput()
    {
        using var runner = new TempDir();
        var env = ActionEnvironment.GitHubPush(proof.RepoPath, runner);
        env["TRACEGATE_PR_BODY"] = proof.PrBody;
        env["TRACEGATE_LABELS"] = "bug";
        env["TRACEGATE_AUTHOR"] = "dana";
        var r = CliHarness.Run(runner.Path, env, "check");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        var report = File.ReadAllText(Path.Combine(proof.RepoPath, ".tracegate", "report.json"));
        report.Should().Contain("\"id\": \"proof.repro\"").And.Contain("\"repro\": \"failed\"");

        // The proof input names another directory; a missing one is an input error, never a silent pass.
        env["INPUT_PROOF"] = "no-such-proof";
        var missing = CliHarness.Run(runner.Path, env, "check");
        missing.ExitCode.Should().Be(2);
        missing.Error.Should().Contain("--proof no-such-proof: no such directory");
    }

    [Fact]
    public void Check_PullRequestOutOfScope_SkipsProofReproWithTheScopesReason()
    {
        // The example's policy skips PRs labelled no-evidence-needed: no evidence, so nothing to prove.
        var r = CliHarness.Run(proof.RepoPath, "check", "--pr-body", proof.PrBody, "--labels", "no-evidence-needed");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().MatchRegex(@"skip  proof\.repro +not judged: Evidence not required: the label no-evidence-needed is in evidence\.skip-labels");
    }
}
