using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Proof;

/// <summary>One real `tracegate prove --repeat 3` of the payments fix, each run logging its side and run number
/// (TRACEGATE_PROOF_SIDE, TRACEGATE_PROOF_RUN) to a file before it starts node --test, so the order of the runs is
/// proven by what the runs themselves wrote.</summary>
public sealed class RepeatedProofFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public RepeatedProofFixture()
    {
        RepoPath = PaymentsHistory.Make(_dir.Path);
        OrderLog = Path.Combine(_dir.Path, "order.log");
        Prove = CliHarness.Run(RepoPath, ["prove", "--base", "base", "--repeat", "3", "--", .. ProveRepeatTests.Logged(OrderLog, "")]);
    }

    public string RepoPath { get; }

    public string OrderLog { get; }

    public CliResult Prove { get; }

    public string Proof => Path.Combine(RepoPath, ".tracegate", "proof");

    public string PrBody => Path.Combine(Repo.Example, "pr-body.md");

    public void Dispose() => _dir.Dispose();
}

public sealed class ProveRepeatTests(RepeatedProofFixture repeated, PaymentsProofFixture single)
    : IClassFixture<RepeatedProofFixture>, IClassFixture<PaymentsProofFixture>
{
    /// <summary>The README's node --test command behind a bash line that appends "SIDE RUN" to <paramref name="log"/>
    /// and then runs <paramref name="before"/> (shell code, may be empty).</summary>
    public static string[] Logged(string log, string before) =>
        ["bash", "-c", $"printf '%s %s\\n' \"$TRACEGATE_PROOF_SIDE\" \"$TRACEGATE_PROOF_RUN\" >> '{log}'; {before} exec \"$@\"", "bash", .. PaymentsHistory.NodeTest];

    private static JsonElement RunJson(string dir, string side) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, side, "run.json"))).RootElement.Clone();

    [Fact]
    public void Prove_Repeat3_RunsBaseAndHeadInterleavedEachWritingItsOwnFiles()
    {
        repeated.Prove.ExitCode.Should().Be(0, repeated.Prove.Out + repeated.Prove.Error);
        File.ReadAllLines(repeated.OrderLog).Should().Equal("baseline 1", "head 1", "baseline 2", "head 2", "baseline 3", "head 3");
        foreach (var side in new[] { "baseline", "head" })
        {
            for (int run = 1; run <= 3; run++)
            {
                new FileInfo(Path.Combine(repeated.Proof, side, $"traces-{run}.pb")).Length.Should().BeGreaterThan(0, $"{side} run {run} exported its spans");
                File.ReadAllText(Path.Combine(repeated.Proof, side, $"results-{run}.xml")).Should().Contain("fee guard fires");
            }

            File.Exists(Path.Combine(repeated.Proof, side, "traces.pb")).Should().BeFalse("under --repeat every run's file carries its number");
        }

        repeated.Prove.Out.Should().Contain("3 runs of each, interleaved").And.Contain("tracegate: head run 3/3: exit code 0");
        PaymentsHistory.ExtraWorktrees(repeated.RepoPath).Should().BeEmpty();
    }

    [Fact]
    public void Prove_Repeat3_RecordsTheRepeatCountAndEachRunsOutcomeInOrder()
    {
        var baseline = RunJson(repeated.Proof, "baseline");
        var head = RunJson(repeated.Proof, "head");
        baseline.GetProperty("repeat").GetInt32().Should().Be(3);
        head.GetProperty("repeat").GetInt32().Should().Be(3);
        baseline.GetProperty("exitCode").GetInt32().Should().Be(1);
        head.GetProperty("exitCode").GetInt32().Should().Be(0);
        var baseRuns = baseline.GetProperty("runs").EnumerateArray().ToList();
        var headRuns = head.GetProperty("runs").EnumerateArray().ToList();
        baseRuns.Select(r => r.GetProperty("run").GetInt32()).Should().Equal(1, 2, 3);
        baseRuns.Select(r => r.GetProperty("exitCode").GetInt32()).Should().Equal(1, 1, 1);
        headRuns.Select(r => r.GetProperty("exitCode").GetInt32()).Should().Equal(0, 0, 0);
        baseRuns.Select(r => r.GetProperty("results").GetString()).Should().Equal("results-1.xml", "results-2.xml", "results-3.xml");
        headRuns.Select(r => r.GetProperty("traces").GetString()).Should().Equal("traces-1.pb", "traces-2.pb", "traces-3.pb");
        baseline.GetProperty("spans").GetInt64().Should().Be(baseRuns.Sum(r => r.GetProperty("spans").GetInt64()));
        // The start times interleave as the order log does: base 1 < head 1 < base 2 < head 2 < base 3 < head 3.
        var starts = baseRuns.Zip(headRuns).SelectMany(p => new[] { p.First, p.Second })
            .Select(r => DateTimeOffset.Parse(r.GetProperty("startedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        starts.Should().BeInAscendingOrder();
    }

    [Fact]
    public void Check_Repeat3_PoolsEveryRunsSpansAsEachSidesSample()
    {
        var one = RunJson(single.Proof, "baseline").GetProperty("spans").GetInt64();
        var oneHead = RunJson(single.Proof, "head").GetProperty("spans").GetInt64();
        RunJson(repeated.Proof, "baseline").GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("spans").GetInt64())
            .Should().Equal([one, one, one], "each base run of the same tests exports what a single run does");

        var r = CliHarness.Run(repeated.RepoPath, "check", "--pr-body", repeated.PrBody, "--git-range", "base..HEAD");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        r.Out.Should().MatchRegex($@"pass  traces\.baseline +read {3 * one} spans from 3 baseline trace file\(s\)");
        r.Out.Should().MatchRegex($@"pass  traces\.files +read {3 * oneHead} spans from 3 trace file\(s\)");
    }

    [Fact]
    public void Check_Repeat3_CarriesTheRepeatCountIntoTheReportsProofAndItsProofSection()
    {
        var r = CliHarness.Run(repeated.RepoPath, "check", "--pr-body", repeated.PrBody, "--git-range", "base..HEAD", "--report-json", "r.json", "--summary-md", "s.md");
        r.ExitCode.Should().Be(0, r.Out + r.Error);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(repeated.RepoPath, "r.json")));
        report.RootElement.GetProperty("proof").GetProperty("repeat").GetInt32().Should().Be(3, "run.json records repeat 3");
        File.ReadAllText(Path.Combine(repeated.RepoPath, "s.md")).Should().Contain("### Proof: the traces before and after the fix\n\n"
            + "Base and head interleaved in this job (`tracegate prove --repeat 3`: base, head, base, head …), 3 runs each; each side's traces are pooled.\n");

        // A prove without --repeat: one run each, back to back.
        var once = CliHarness.Run(single.RepoPath, "check", "--pr-body", single.PrBody, "--git-range", "base..HEAD", "--report-json", "r1.json", "--summary-md", "s1.md");
        once.ExitCode.Should().Be(0, once.Out + once.Error);
        using var one = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(single.RepoPath, "r1.json")));
        one.RootElement.GetProperty("proof").GetProperty("repeat").GetInt32().Should().Be(1);
        File.ReadAllText(Path.Combine(single.RepoPath, "s1.md")).Should().Contain("Base and head ran back to back in this job (`tracegate prove`), 1 run each.\n");
    }

    [Fact]
    public void Check_Repeat3_PassesProofReproSayingItHeldOnEveryRun()
    {
        var r = CliHarness.Run(repeated.RepoPath, "check", "--pr-body", repeated.PrBody, "--git-range", "base..HEAD");
        r.Out.Should().MatchRegex(@"pass  proof\.repro +test/transfer\.test\.mjs::fee guard fires fails before the fix \(Missing expected exception \(Overdraft\)\., \.tracegate/proof/baseline/results-1\.xml:\d+\) \(on all 3 baseline runs\) and passes after it \(\.tracegate/proof/head/results-1\.xml:\d+\) \(on all 3 head runs\)");
    }

    [Fact]
    public void Check_ReproThatPassesOnOneBaseRunOfSeveral_FailsNamingThatRun()
    {
        using var logs = new TempDir();
        // On base run 2 only, the fixed transfer.mjs of the head replaces the base's in the worktree: the repro passes
        // there, as a repro that depends on timing or order would now and then.
        string fix = Path.Combine(repeated.RepoPath, "src", "transfer.mjs");
        var prove = CliHarness.Run(repeated.RepoPath, ["prove", "--base", "base", "--repeat", "3", "--out", ".tracegate/flaky", "--",
            .. Logged(logs.File("order.log"), $"if [ \"$TRACEGATE_PROOF_SIDE$TRACEGATE_PROOF_RUN\" = baseline2 ]; then cp '{fix}' src/transfer.mjs; fi;")]);
        prove.ExitCode.Should().Be(0, prove.Out + prove.Error);
        prove.Out.Should().Contain("[baseline] ✔ fee guard fires", "base run 2 ran the fixed code");

        var r = CliHarness.Run(repeated.RepoPath, "check", "--pr-body", repeated.PrBody, "--git-range", "base..HEAD", "--proof", ".tracegate/flaky");
        r.ExitCode.Should().Be(1, r.Out + r.Error);
        r.Out.Should().Contain("FAIL  proof.repro").And.MatchRegex(
            @"fee guard fires passes before the fix too: it does not reproduce the bug \(\.tracegate/flaky/baseline/results-2\.xml:\d+\) \(on baseline run 2 of 3\)");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("21")]
    [InlineData("two")]
    [InlineData("-1")]
    public void Prove_RepeatOutsideOneToTwenty_Exits2NamingTheOption(string value)
    {
        var r = CliHarness.Run(single.RepoPath, "prove", "--base", "base", "--repeat", value, "--repro", "test/transfer.test.mjs::fee guard fires", "--", "true");
        r.ExitCode.Should().Be(2, r.Out + r.Error);
        r.Error.Should().Contain($"--repeat '{value}': expected a whole number of runs per side from 1 to 20");
        r.Error.Should().NotContain("   at ");
    }

    [Fact]
    public void Check_ProofWhoseRunRecordHasABadRepeat_Exits2NamingTheFile()
    {
        using var ws = new TempDir();
        foreach (var side in new[] { "baseline", "head" })
        {
            Directory.CreateDirectory(Path.Combine(ws.Path, "p", side));
            File.WriteAllText(Path.Combine(ws.Path, "p", side, "run.json"), side == "head" ? "{\"repeat\": 99}" : "{\"repeat\": 2, \"runs\": [{}]}");
        }

        var r = CliHarness.Run(ws.Path, "check", "--proof", "p");
        r.ExitCode.Should().Be(2, r.Out + r.Error);
        r.Error.Should().Contain("p/baseline/run.json: expected 'runs', an array of 2 runs");
        File.WriteAllText(Path.Combine(ws.Path, "p", "baseline", "run.json"), "{}");
        var head = CliHarness.Run(ws.Path, "check", "--proof", "p");
        head.ExitCode.Should().Be(2);
        head.Error.Should().Contain("p/head/run.json: 'repeat' must be a whole number from 1 to 20");
        Regex.IsMatch(head.Error, @"\s+at ").Should().BeFalse();
    }
}
