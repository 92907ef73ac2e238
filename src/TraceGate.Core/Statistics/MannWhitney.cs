using System.Numerics;

namespace TraceGate.Core.Statistics;

/// <summary>The Mann-Whitney U test of two samples, as scipy.stats.mannwhitneyu and R's wilcox.test compute it.</summary>
public static class MannWhitney
{
    /// <summary>Exact distributions are computed while both samples are below this size (R's wilcox.test rule).</summary>
    public const int ExactBelow = 50;

    /// <summary>U of <paramref name="x"/>: the pairs (xᵢ, yⱼ) with xᵢ &gt; yⱼ, ties counted half (mid-ranks).</summary>
    public static double U(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var ranks = MidRanks(x, y, out _);
        double r1 = 0;
        for (int i = 0; i < x.Count; i++)
        {
            r1 += ranks[i];
        }

        return r1 - (x.Count * (x.Count + 1) / 2.0);
    }

    /// <summary>
    /// The two-sided p-value of U: exact when both samples are smaller than <see cref="ExactBelow"/> and have no ties
    /// (or when <paramref name="exact"/> says so), else the normal approximation with the tie correction of the
    /// variance and, when <paramref name="continuity"/>, the continuity correction of 1/2.
    /// </summary>
    public static double TwoSidedP(IReadOnlyList<double> x, IReadOnlyList<double> y, bool? exact = null, bool continuity = true)
    {
        int m = x.Count, n = y.Count;
        var ranks = MidRanks(x, y, out double tieSum);
        double r1 = 0;
        for (int i = 0; i < m; i++)
        {
            r1 += ranks[i];
        }

        double u1 = r1 - (m * (m + 1) / 2.0);
        double u = Math.Max(u1, ((double)m * n) - u1);
        bool useExact = exact ?? (m < ExactBelow && n < ExactBelow && tieSum == 0);
        double p = useExact
            ? 2 * ExactUpperTail((int)Math.Ceiling(u), m, n)
            : 2 * NormalDistribution.Survival((u - (m * (double)n / 2) - (continuity ? 0.5 : 0)) / Sigma(m, n, tieSum));
        return Math.Clamp(p, 0, 1);
    }

    /// <summary>σ of U under the null, with ties: √(mn/12 · ((N+1) − Σ(t³ − t)/(N(N − 1)))).</summary>
    public static double Sigma(int m, int n, double tieSum)
    {
        double total = m + n;
        return Math.Sqrt(m * (double)n / 12 * (total + 1 - (tieSum / (total * (total - 1)))));
    }

    /// <summary>Σ(t³ − t) over the groups of equal values in both samples together (0 when there is no tie).</summary>
    public static double TieSum(ReadOnlySpan<double> sortedAll)
    {
        double sum = 0;
        for (int i = 0; i < sortedAll.Length;)
        {
            int j = i + 1;
            while (j < sortedAll.Length && sortedAll[j] == sortedAll[i])
            {
                j++;
            }

            double t = j - i;
            sum += (t * t * t) - t;
            i = j;
        }

        return sum;
    }

    /// <summary>P(U &lt;= q) for samples of m and n without ties (R's pwilcox).</summary>
    public static double ExactCdf(int q, int m, int n)
    {
        if (q < 0)
        {
            return 0;
        }

        var counts = Counts(m, n);
        BigInteger below = BigInteger.Zero;
        for (int u = 0; u <= Math.Min(q, counts.Length - 1); u++)
        {
            below += counts[u];
        }

        return Ratio(below, Total(counts));
    }

    /// <summary>The smallest q with P(U &lt;= q) &gt;= p (R's qwilcox).</summary>
    public static int ExactQuantile(double p, int m, int n)
    {
        var counts = Counts(m, n);
        var total = Total(counts);
        BigInteger below = BigInteger.Zero;
        for (int q = 0; q < counts.Length; q++)
        {
            below += counts[q];
            if (Ratio(below, total) >= p * (1 - 1e-12))
            {
                return q;
            }
        }

        return counts.Length - 1;
    }

    private static double ExactUpperTail(int u, int m, int n) => 1 - ExactCdf(u - 1, m, n);

    private static BigInteger Total(BigInteger[] counts)
    {
        BigInteger total = BigInteger.Zero;
        foreach (var c in counts)
        {
            total += c;
        }

        return total;
    }

    private static double Ratio(BigInteger a, BigInteger b) => a.IsZero ? 0 : Math.Exp(BigInteger.Log(a) - BigInteger.Log(b));

    /// <summary>
    /// How many of the C(m+n, m) orderings give each U = 0 … mn: the coefficients of the Gaussian binomial
    /// [m+n choose m]_q = Πᵢ₌₁..m (1 − q^(n+i)) / (1 − q^i), built one factor at a time in exact integers (every partial
    /// product is itself a Gaussian binomial, so each division is exact).
    /// </summary>
    private static BigInteger[] Counts(int m, int n)
    {
        int degree = m * n;
        var c = new BigInteger[degree + 1];
        c[0] = BigInteger.One;
        for (int i = 1; i <= m; i++)
        {
            int upto = i * n;
            // Multiply by (1 − q^(n+i)), from the top so each coefficient reads the old value.
            for (int k = upto; k >= n + i; k--)
            {
                c[k] -= c[k - n - i];
            }

            // Divide by (1 − q^i): a running sum with stride i.
            for (int k = i; k <= upto; k++)
            {
                c[k] += c[k - i];
            }
        }

        return c;
    }

    /// <summary>Mid-ranks of x then y in the combined sample (1-based), and Σ(t³ − t) of its ties.</summary>
    private static double[] MidRanks(IReadOnlyList<double> x, IReadOnlyList<double> y, out double tieSum)
    {
        int total = x.Count + y.Count;
        var order = new int[total];
        var values = new double[total];
        for (int i = 0; i < total; i++)
        {
            order[i] = i;
            values[i] = i < x.Count ? x[i] : y[i - x.Count];
        }

        var keys = (double[])values.Clone();
        Array.Sort(keys, order);
        tieSum = TieSum(keys);
        var ranks = new double[total];
        for (int i = 0; i < total;)
        {
            int j = i + 1;
            while (j < total && keys[j] == keys[i])
            {
                j++;
            }

            double mid = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++)
            {
                ranks[order[k]] = mid;
            }

            i = j;
        }

        return ranks;
    }
}
