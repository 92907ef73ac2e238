using FluentAssertions;
using TraceGate.Core.Statistics;

namespace TraceGate.Tests.Statistics;

/// <summary>
/// The statistics agree with published outputs of the reference implementations on the same data.
/// </summary>
public sealed class ReferenceAgreementTests
{
    // scipy.stats.mannwhitneyu's documented example (scipy/scipy, scipy/stats/_mannwhitneyu.py, the docstring's
    // Examples; from Shier, "Statistics: 2.3 The Mann-Whitney U Test", 2004): ages at diagnosis.
    private static readonly double[] Males = [19, 22, 16, 29, 24];
    private static readonly double[] Females = [20, 11, 17, 12];

    // Hollander and Wolfe (1973), Example 4.1, p. 69: permeability constants of the human chorioamnion at term (x)
    // and at 12 to 26 weeks (y); also R's ?wilcox.test example and Geyer's Stat 5601 page on the rank sum test.
    private static readonly double[] Term = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    private static readonly double[] Early = [1.15, 0.88, 0.90, 0.74, 1.21];

    // The Hollander-Wolfe chicken example as PHUSE CAMIS runs it through R's wilcox.test (psiaims.github.io/CAMIS,
    // R/nparestimate): with ties, so R uses the normal approximation.
    private static readonly double[] ChickenX = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30];
    private static readonly double[] ChickenY = [0.878, 0.647, 0.598, 2.050, 1.060, 1.290, 1.060, 3.140, 1.290];

    [Fact]
    public void U_OfScipysExample_Is17()
    {
        // >>> U1, p = mannwhitneyu(males, females, method="exact"); print(U1)  →  17.0
        MannWhitney.U(Males, Females).Should().Be(17);
        MannWhitney.U(Females, Males).Should().Be(3);
    }

    [Fact]
    public void ExactP_OfScipysExample_MatchesScipy()
    {
        // >>> print(p)  →  0.1111111111111111
        MannWhitney.TwoSidedP(Males, Females, exact: true).Should().BeApproximately(0.1111111111111111, 1e-12);
        // mannwhitneyu(females, males, alternative="less", method="exact")  →  pvalue=0.05555555555555555: P(U <= 3).
        MannWhitney.ExactCdf(3, 4, 5).Should().BeApproximately(0.05555555555555555, 1e-12);
    }

    [Fact]
    public void AsymptoticP_OfScipysExample_MatchesScipyWithAndWithoutContinuity()
    {
        // >>> _, pnorm = mannwhitneyu(males, females, method="asymptotic")  →  0.11134688653314041
        MannWhitney.TwoSidedP(Males, Females, exact: false).Should().BeApproximately(0.11134688653314041, 1e-12);
        // use_continuity=False  →  0.0864107329737
        MannWhitney.TwoSidedP(Males, Females, exact: false, continuity: false).Should().BeApproximately(0.0864107329737, 1e-12);
    }

    [Fact]
    public void ExactLowerTail_OfHollanderWolfe41_MatchesR()
    {
        // Geyer, Stat 5601: lower-tailed rank sum test, U = 15 (Mann-Whitney form), P = 0.1272061 (= pwilcox(15, 10, 5));
        // R's ?wilcox.test: wilcox.test(x, y, alternative = "g") gives W = 35, p-value = 0.1272.
        MannWhitney.U(Early, Term).Should().Be(15);
        MannWhitney.U(Term, Early).Should().Be(35);
        MannWhitney.ExactCdf(15, 5, 10).Should().BeApproximately(0.1272061, 5e-8);
    }

    [Fact]
    public void ExactShiftInterval_OfHollanderWolfe41_IsRsExactInterval()
    {
        // Geyer, Stat 5601 (H&W Example 4.3): the Hodges-Lehmann estimate of y − x is the median of the 50 pairwise
        // differences, −0.305. The exact interval is R's: qu = qwilcox(0.025, 5, 10) = 9, cint = diffs[9], diffs[42],
        // which wilcox.test(y, x, conf.int = TRUE) prints as −0.76 0.15 (achieved level 1 − 2·pwilcox(8, 5, 10) = 0.96).
        var shift = HodgesLehmann.Shift(Early, Term, 0.95);
        shift.Exact.Should().BeTrue();
        shift.Estimate.Should().BeApproximately(-0.305, 1e-12);
        shift.Lower.Should().BeApproximately(-0.76, 1e-12);
        shift.Upper.Should().BeApproximately(0.15, 1e-12);
        MannWhitney.ExactQuantile(0.025, 5, 10).Should().Be(9);
        (1 - (2 * MannWhitney.ExactCdf(8, 5, 10))).Should().BeApproximately(0.96004, 1e-5);
    }

    [Fact]
    public void TiedShiftInterval_OfCamisChickenExample_MatchesR()
    {
        // CAMIS, wilcox.test(x, y, exact = TRUE, conf.int = TRUE) warns that ties prevent the exact interval and prints
        // $estimate 0.5600562 and $conf.int -0.3699774 1.1829708. R finds each by uniroot (tol 1e-4) on the step
        // function of the tie-corrected, continuity-corrected z; the steps are at the pairwise differences 0.56,
        // −0.37 (1.68 − 2.05) and 1.183 (1.83 − 0.647), which is what the order statistics give exactly.
        var shift = HodgesLehmann.Shift(ChickenX, ChickenY, 0.95);
        shift.Exact.Should().BeFalse();
        shift.Estimate.Should().BeApproximately(0.5600562, 1e-3);
        shift.Lower.Should().BeApproximately(-0.3699774, 1e-3);
        shift.Upper.Should().BeApproximately(1.1829708, 1e-3);
    }

    [Fact]
    public void KthDifference_MatchesTheSortedDifferences()
    {
        var random = new Random(7);
        for (int t = 0; t < 50; t++)
        {
            var a = Enumerable.Range(0, random.Next(1, 30)).Select(_ => Math.Round(random.NextDouble() * 100, random.Next(0, 3)) - 50).Order().ToArray();
            var b = Enumerable.Range(0, random.Next(1, 30)).Select(_ => Math.Round(random.NextDouble() * 100, random.Next(0, 3))).Order().ToArray();
            var sorted = a.SelectMany(x => b.Select(y => x - y)).Order().ToArray();
            foreach (int k in new[] { 1, sorted.Length, (sorted.Length + 1) / 2, random.Next(1, sorted.Length + 1) })
            {
                HodgesLehmann.Kth(a, b, k).Should().Be(sorted[k - 1], $"case {t}, k {k}");
            }
        }
    }

    [Fact]
    public void Normal_QuantileAndTail_MatchTables()
    {
        NormalDistribution.Quantile(0.975).Should().BeApproximately(1.959963984540054, 1e-13);
        NormalDistribution.Quantile(0.995).Should().BeApproximately(2.5758293035489004, 1e-13);
        NormalDistribution.Survival(1).Should().BeApproximately(0.15865525393145707, 1e-15);
        NormalDistribution.Survival(3.5).Should().BeApproximately(0.00023262907903552504, 1e-18);
        NormalDistribution.Survival(8).Should().BeApproximately(6.220960574271819e-16, 1e-28);
        NormalDistribution.Cdf(-1.959963984540054).Should().BeApproximately(0.025, 1e-15);
    }

    [Fact]
    public void Bootstrap_IsReproducibleForASeed_AndCoversTheObservedChange()
    {
        var random = new Random(3);
        var baseline = Enumerable.Range(0, 300).Select(_ => Math.Exp(random.NextDouble() * 2)).ToArray();
        var head = baseline.Select(v => v * 1.2).ToArray();
        var first = PercentileBootstrap.Change(head, baseline, 95, 0.95, seed: 42);
        var again = PercentileBootstrap.Change(head.Reverse().ToArray(), baseline, 95, 0.95, seed: 42);
        again.Should().Be(first, "the same samples in another order and the same seed give the same interval");
        first.Relative.Should().BeApproximately(0.2, 1e-9);
        first.RelativeLower.Should().BeLessThanOrEqualTo(0.2);
        first.RelativeUpper.Should().BeGreaterThanOrEqualTo(0.2);
        PercentileBootstrap.Change(head, baseline, 95, 0.95, seed: 43).Should().NotBe(first);
    }

    [Fact]
    public void BootstrapOrderStatistic_HasTheDistributionOfSortingNDraws()
    {
        // The bootstrap draws a resample's rank-th order statistic from P(Binomial(n, j/n) >= rank); drawing n values
        // and sorting them must give the same distribution (compared over 40,000 resamples each, to 0.01).
        var sample = Enumerable.Range(1, 40).Select(i => (double)i).ToArray();
        int rank = PercentileBootstrap.Rank(95, sample.Length);
        var direct = new PercentileBootstrap.Resampler(sample, rank);
        var random = new SplitMix64(5);
        var naive = new Random(5);
        const int draws = 40_000;
        var a = new int[sample.Length + 1];
        var b = new int[sample.Length + 1];
        for (int i = 0; i < draws; i++)
        {
            a[(int)direct.Next(random)]++;
            var resample = Enumerable.Range(0, sample.Length).Select(_ => sample[naive.Next(sample.Length)]).Order().ToArray();
            b[(int)resample[rank - 1]]++;
        }

        double ca = 0, cb = 0;
        for (int v = 0; v <= sample.Length; v++)
        {
            ca += a[v] / (double)draws;
            cb += b[v] / (double)draws;
            ca.Should().BeApproximately(cb, 0.01, $"P(x*({rank}) <= {v})");
        }
    }
}
