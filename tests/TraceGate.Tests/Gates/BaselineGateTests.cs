using FluentAssertions;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.Rendering;
using TraceGate.Core.Rules;
using TraceGate.Core.Statistics;
using TraceGate.Core.Traces;

namespace TraceGate.Tests.Gates;

/// <summary>
/// The statistical baseline comparison as the gate applies it to a rule: loaded from policy text, fed durations
/// of known shift, judged into one check with the words and picture a reviewer reads.
/// </summary>
public sealed class BaselineGateTests
{
    private static TracesPolicy Policy(string baseline, string extra = "") =>
        PolicyLoader.Load(".tracegate.yml", $$"""
            traces:
              rules:
                - id: apply-latency
                  select: 'span[name="apply"]'
                  baseline: {{baseline}}
            {{extra}}
            """).Policy!.Traces;

    private static Check Judge(TracesPolicy policy, IEnumerable<long> head, IEnumerable<long>? baseline)
    {
        var run = new RuleEngine(policy);
        var before = baseline is null ? null : new RuleEngine(policy);
        ulong id = 1;
        foreach (long d in head)
        {
            run.Runs[0].Add(new TraceId(1, 1), id++, "apply", d, null);
        }

        foreach (long d in baseline ?? [])
        {
            before!.Runs[0].Add(new TraceId(2, 2), id++, "apply", d, null);
        }

        return TraceGates.Evaluate(policy, run, before).Single(c => c.Id == "traces.apply-latency");
    }

    /// <summary>Lognormal durations around a median, seeded.</summary>
    private static long[] Durations(int seed, int n, double medianMs, double sigma = 0.3, double factor = 1)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
            return (long)(medianMs * 1e6 * Math.Exp(sigma * z) * factor);
        }).ToArray();
    }

    [Fact]
    public void Baseline_WhenTheWholeIntervalIsOverBudgetAndFloor_Fails()
    {
        long[] head = Durations(1, 300, 20, factor: 1.5), baseline = Durations(2, 300, 20);
        var check = Judge(Policy("{ p95: '<= +10%', min-change: 2ms }"), head, baseline);
        check.Outcome.Should().Be(Outcome.Fail);
        check.Message.Should().StartWith("p95 changed +").And.Contain("(95% CI +").And.Contain("n = 300 baseline, 300 this run; bootstrap of 2000 resamples")
            .And.Contain("budget <= +10%, floor 2ms: the whole interval is over the budget and the floor");
        // The picture: both sides' nearest-rank quantiles of the samples the budget judged, with each side's n.
        var picture = check.Quantiles.Should().ContainSingle().Which;
        picture.Stat.Should().Be("p95");
        (picture.BaselineSpans, picture.HeadSpans).Should().Be((300L, 300L));
        picture.Points.Select(p => p.Percentile).Should().Equal(10, 25, 50, 75, 90, 95, 99);
        picture.Points.Select(p => p.Baseline).Should().Equal(Sparkline.QuantileValues(baseline));
        picture.Points.Select(p => p.Head).Should().Equal(Sparkline.QuantileValues(head));
        picture.Points.Single(p => p.Percentile == 95).Head.Should().Be(NearestRank(head, 95));
        QuantileChart.Text(picture).Should().StartWith("p95: quantiles p10 p25 p50 p75 p90 p95 p99 on one scale from 0 to ").And.Contain("baseline ").And.Contain(", this run ");
        check.Offenders.Should().NotBeEmpty("a failing timing budget names the slowest spans");
    }

    [Fact]
    public void Baseline_WhenTheEstimateIsOverButTheIntervalReachesBelow_Warns()
    {
        // 25 spans a side, σ 0.3, +15%: the point estimate is over +10% but the interval is wide.
        var check = Judge(Policy("{ p50: '<= +10%', min-change: 0ms, min-samples: 10 }"), Durations(3, 25, 20, factor: 1.15), Durations(4, 25, 20));
        check.Outcome.Should().Be(Outcome.Warn, check.Message);
        check.Message.Should().Contain("p50 changed +").And.Contain("Hodges-Lehmann shift, exact interval").And.Contain("not shown to exceed");
        check.Quantiles.Should().ContainSingle("a warning budget gets its picture too").Which.Stat.Should().Be("p50");
    }

    private static double NearestRank(long[] values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1];
    }

    [Fact]
    public void Baseline_WhenTheChangeIsUnderTheFloor_PassesThoughLargeInPercent()
    {
        // 0.2 ms spans taking 0.4 ms: +100%, but 0.2 ms is under the 1 ms default floor.
        var check = Judge(Policy("{ p95: '<= +10%' }"), Durations(5, 200, 0.4, sigma: 0.1), Durations(6, 200, 0.2, sigma: 0.1));
        check.Outcome.Should().Be(Outcome.Pass, check.Message);
        check.Stats.Single(s => s.Stat == "p95").Budget.Should().StartWith("change <= +10%: +");
        check.Quantiles.Should().BeEmpty("only a budget that failed or warned gets a picture");
    }

    [Fact]
    public void Baseline_WithNoShift_Passes()
    {
        var check = Judge(Policy("{ p50: '<= +10%', p95: '<= +10%' }"), Durations(7, 200, 20), Durations(8, 200, 20));
        check.Outcome.Should().Be(Outcome.Pass, check.Message);
    }

    [Fact]
    public void Baseline_WithFewerThanMinSamplesOnTheBaselineSide_IsInconclusive()
    {
        var check = Judge(Policy("{ p95: '<= +10%' }"), Durations(9, 100, 20, factor: 3), Durations(10, 5, 20));
        check.Outcome.Should().Be(Outcome.Inconclusive);
        check.Message.Should().Contain("only 5 span(s) in the baseline: at least 20 (min-samples) are needed on each side");
        Report.ConclusionOf([check]).Should().Be(Conclusion.Inconclusive);
    }

    [Fact]
    public void Baseline_WithOnInconclusiveFail_FailsWhenSamplesAreTooFew()
    {
        var check = Judge(Policy("{ p95: '<= +10%', on-inconclusive: fail }"), Durations(11, 3, 20), Durations(12, 100, 20));
        check.Outcome.Should().Be(Outcome.Fail);
        check.Message.Should().Contain("inconclusive (on-inconclusive: fail): only 3 span(s)");
    }

    [Fact]
    public void Baseline_WhenNoBaselineWasGiven_IsInconclusiveNeverAPass()
    {
        var check = Judge(Policy("{ p95: '<= +10%' }"), Durations(13, 100, 20), null);
        check.Outcome.Should().Be(Outcome.Inconclusive);
        check.Message.Should().Contain("no baseline was given");
    }

    [Fact]
    public void Baseline_MethodPlain_KeepsThePointComparisonAndItsWarning()
    {
        // The point comparison fails a +12% p95 that the interval would not call shown; too few spans only warn.
        var plain = Judge(Policy("{ p95: '<= +10%', method: plain }"), Durations(14, 200, 20).Select(d => d * 112 / 100), Durations(14, 200, 20));
        plain.Outcome.Should().Be(Outcome.Fail);
        plain.Message.Should().Contain("plain comparison").And.Contain(": over the budget");
        Judge(Policy("{ p95: '<= +10%', method: plain }"), Durations(15, 3, 20), Durations(16, 3, 20)).Outcome.Should().Be(Outcome.Warn);
    }

    [Fact]
    public void Baseline_MaxIsComparedPlainly_AndSaysWhy()
    {
        var check = Judge(Policy("{ max: '<= +10%' }"), Durations(17, 100, 20, factor: 2), Durations(18, 100, 20));
        check.Outcome.Should().Be(Outcome.Fail);
        check.Message.Should().Contain("plain comparison: extremes are not bootstrapped");
    }

    [Theory]
    [InlineData("{ p95: '<= +10%', min-change: 2 }", "traces.rules[0].baseline.min-change is '2': expected a duration")]
    [InlineData("{ p95: '<= +10%', confidence: 1.5 }", "traces.rules[0].baseline.confidence is '1.5': expected a confidence level")]
    [InlineData("{ p95: '<= +10%', method: t-test }", "traces.rules[0].baseline.method is 't-test': expected auto, hodges-lehmann, bootstrap or plain")]
    [InlineData("{ p95: '<= +10%', on-inconclusive: pass }", "traces.rules[0].baseline.on-inconclusive is 'pass': expected warn")]
    [InlineData("{ p95: '<= +10%', min-chnage: 2ms }", "unknown key 'min-chnage'")]
    public void Load_WhenABaselineOptionIsWrong_ReturnsErrorWithLine(string baseline, string expected)
    {
        var loaded = PolicyLoader.Load(".tracegate.yml", $"traces:\n  rules:\n    - id: apply-latency\n      select: 'span[name=\"apply\"]'\n      baseline: {baseline}\n");
        loaded.Policy.Should().BeNull();
        loaded.Errors.Should().Contain(e => e.Line == 5 && e.Message.Contains(expected, StringComparison.Ordinal), string.Join("\n", loaded.Errors.Select(e => $"{e.Line}: {e.Message}")));
    }

    [Fact]
    public void Load_BaselineOptions_AreRead()
    {
        var rule = Policy("{ p95: '<= +10%', min-change: 2ms, confidence: 0.99, method: bootstrap, on-inconclusive: fail, min-samples: 50 }").Rules[0];
        rule.BaselineSettings.Should().Be(new BaselineSettings { MinChangeNanos = 2e6, MinChangeText = "2ms", Confidence = 0.99, Method = BaselineMethod.Bootstrap, OnInconclusive = InconclusiveMode.Fail, MinSamples = 50 });
        rule.Baseline.Should().ContainSingle(b => b.Stat == "p95" && b.Percent == 10);
    }
}
