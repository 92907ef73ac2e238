namespace TraceGate.Core.Statistics;

/// <summary>
/// The Hodges-Lehmann estimate of the shift between two samples (the median of the m·n differences xᵢ − yⱼ) and the
/// distribution-free confidence interval that inverts the Mann-Whitney test (Moses; Lehmann 1963), as R's
/// <c>wilcox.test(x, y, conf.int = TRUE)</c> computes them: exact order statistics of the differences when both
/// samples are below 50 values without ties, else the normal approximation with the tie-corrected variance and the
/// continuity correction.
/// </summary>
public static class HodgesLehmann
{
    /// <summary>The shift of <paramref name="x"/> over <paramref name="y"/> with its two-sided interval.</summary>
    public static ShiftInterval Shift(IReadOnlyList<double> x, IReadOnlyList<double> y, double confidence)
    {
        if (x.Count == 0 || y.Count == 0)
        {
            throw new ArgumentException("both samples need at least one value");
        }

        if (confidence <= 0 || confidence >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "a confidence strictly between 0 and 1");
        }

        var a = x.ToArray();
        var b = y.ToArray();
        Array.Sort(a);
        Array.Sort(b);
        int m = a.Length, n = b.Length;
        long mn = (long)m * n;
        double estimate = mn % 2 == 1
            ? Kth(a, b, (mn + 1) / 2)
            : (Kth(a, b, mn / 2) + Kth(a, b, (mn / 2) + 1)) / 2;

        var all = new double[m + n];
        a.CopyTo(all, 0);
        b.CopyTo(all, m);
        Array.Sort(all);
        double tieSum = MannWhitney.TieSum(all);
        double alpha = 1 - confidence;
        bool exact = m < MannWhitney.ExactBelow && n < MannWhitney.ExactBelow && tieSum == 0;
        long lower;
        if (exact)
        {
            // R: qu <- qwilcox(alpha/2, m, n); if (qu == 0) qu <- 1; cint <- c(diffs[qu], diffs[m*n - qu + 1]).
            lower = Math.Max(1, MannWhitney.ExactQuantile(alpha / 2, m, n));
        }
        else
        {
            // The root of (U(d) − mn/2 − 1/2)/σ = z(1 − α/2), where U(d) steps down by one at each difference: the
            // smallest k with mn − k &lt; mn/2 + 1/2 + zσ.
            double z = NormalDistribution.Quantile(1 - (alpha / 2));
            double c = (mn / 2.0) - (z * MannWhitney.Sigma(m, n, tieSum)) - 0.5;
            lower = Math.Clamp((long)Math.Floor(c) + 1, 1, mn);
        }

        long upper = mn - lower + 1;
        return new ShiftInterval(estimate, Kth(a, b, lower), Kth(a, b, Math.Max(upper, lower)), m, n, exact);
    }

    /// <summary>
    /// The k-th smallest (1-based) of the differences aᵢ − bⱼ of two ascending arrays, without forming them: a bisection
    /// over the doubles in order (their bits as ordered integers), counting the differences at most v in one merge-like
    /// pass. fl(aᵢ − bⱼ) is monotone in each argument, so the count is exact for the computed differences and the
    /// answer is one of them. O((m + n) · 64), where sorting the m·n differences would need 250,000 of them at n = 500.
    /// </summary>
    internal static double Kth(double[] a, double[] b, long k)
    {
        long lo = Ordered(a[0] - b[^1]), hi = Ordered(a[^1] - b[0]);
        while (lo < hi)
        {
            long mid = lo + (long)((ulong)(hi - lo) / 2); // the span of the ordered doubles can pass long.MaxValue
            if (CountAtMost(a, b, FromOrdered(mid)) >= k)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return FromOrdered(lo);
    }

    private static long CountAtMost(double[] a, double[] b, double v)
    {
        long count = 0;
        int j = 0;
        for (int i = 0; i < a.Length; i++)
        {
            // The j with aᵢ − bⱼ <= v are a suffix of b, and it starts later for every larger aᵢ.
            while (j < b.Length && a[i] - b[j] > v)
            {
                j++;
            }

            count += b.Length - j;
        }

        return count;
    }

    /// <summary>A double's bits as a long that sorts as the doubles do (negative values reversed).</summary>
    private static long Ordered(double v)
    {
        long bits = BitConverter.DoubleToInt64Bits(v == 0 ? 0.0 : v);
        return bits < 0 ? long.MinValue - bits : bits;
    }

    private static double FromOrdered(long o) => BitConverter.Int64BitsToDouble(o < 0 ? long.MinValue - o : o);
}

/// <summary>A shift estimate with its interval at the confidence asked for, and the sample sizes behind it.</summary>
public sealed record ShiftInterval(double Estimate, double Lower, double Upper, int HeadCount, int BaselineCount, bool Exact);
