namespace TraceGate.Core.Statistics;

/// <summary>
/// A percentile-bootstrap confidence interval (Efron and Tibshirani 1993, ch. 13) for the change of a nearest-rank
/// percentile between a baseline and a head sample: each of the resamples draws both samples again with
/// replacement, and the interval is the α/2 and 1 − α/2 quantiles of the resampled changes. Seeded, so a run is
/// reproducible. Not for min and max: a resample can never go past the sample's own extreme, so the bootstrap
/// distribution of an extreme is degenerate (Bickel and Freedman 1981) and they are compared plainly.
/// </summary>
public static class PercentileBootstrap
{
    public const int DefaultResamples = 2000;

    /// <summary>The change of the <paramref name="percentile"/> (nearest rank), or of the mean when it is null.</summary>
    public static PercentileChange Change(IReadOnlyList<double> head, IReadOnlyList<double> baseline, double? percentile, double confidence, ulong seed, int resamples = DefaultResamples)
    {
        if (head.Count == 0 || baseline.Count == 0)
        {
            throw new ArgumentException("both samples need at least one value");
        }

        if (percentile is <= 0 or >= 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "a percentile strictly between 0 and 100 (min and max are not bootstrapped)");
        }

        var h = head.ToArray();
        var b = baseline.ToArray();
        Array.Sort(h);
        Array.Sort(b);
        // Rank 0 stands for the mean.
        int hr = percentile is { } ph ? Rank(ph, h.Length) : 0, br = percentile is { } pb ? Rank(pb, b.Length) : 0;
        double headValue = hr > 0 ? h[hr - 1] : h.Average(), baseValue = br > 0 ? b[br - 1] : b.Average();
        var random = new SplitMix64(seed);
        var ratios = new double[resamples];
        var differences = new double[resamples];
        var hs = new Resampler(h, hr);
        var bs = new Resampler(b, br);
        for (int r = 0; r < resamples; r++)
        {
            double hv = hs.Next(random);
            double bv = bs.Next(random);
            differences[r] = hv - bv;
            ratios[r] = bv > 0 ? (hv / bv) - 1 : hv > 0 ? double.PositiveInfinity : 0;
        }

        Array.Sort(ratios);
        Array.Sort(differences);
        double alpha = 1 - confidence;
        return new PercentileChange(
            headValue,
            baseValue,
            baseValue > 0 ? (headValue / baseValue) - 1 : headValue > 0 ? double.PositiveInfinity : 0,
            Quantile(ratios, alpha / 2),
            Quantile(ratios, 1 - (alpha / 2)),
            headValue - baseValue,
            Quantile(differences, alpha / 2),
            Quantile(differences, 1 - (alpha / 2)),
            h.Length,
            b.Length,
            resamples);
    }

    /// <summary>The nearest rank of a percentile: ⌈p/100 · n⌉, at least 1 (as the report's statistics).</summary>
    public static int Rank(double percentile, int n) => Math.Clamp((int)Math.Ceiling(percentile / 100 * n), 1, n);

    /// <summary>
    /// Draws the statistic of one resample of a sorted sample. For a percentile it draws the resample's rank-th order
    /// statistic directly: it is at most x₍ⱼ₎ exactly when at least rank of the n draws fall on x₍₁₎ … x₍ⱼ₎, so
    /// P(x*₍rank₎ &lt;= x₍ⱼ₎) = P(Binomial(n, j/n) &gt;= rank), and one uniform inverted through that distribution is
    /// one resample (the same distribution as drawing n values and sorting them, in O(log n) instead of O(n)). The
    /// distribution is computed only for the j where it is neither 0 nor 1 to double precision, about 16√n of them.
    /// For the mean (rank 0) it draws the n values.
    /// </summary>
    internal sealed class Resampler
    {
        private readonly double[] _sorted;
        private readonly int[]? _counts;
        private readonly int _first;
        private readonly double[] _cdf = [];

        public Resampler(double[] sorted, int rank)
        {
            _sorted = sorted;
            if (rank == 0)
            {
                _counts = new int[sorted.Length];
                return;
            }

            int n = sorted.Length;
            var logFactorial = new double[n + 1];
            for (int k = 2; k <= n; k++)
            {
                logFactorial[k] = logFactorial[k - 1] + Math.Log(k);
            }

            int lo = rank, hi = rank;
            while (lo > 1 && AtLeast(n, lo - 1, rank, logFactorial) > 1e-17)
            {
                lo--;
            }

            while (hi < n && AtLeast(n, hi, rank, logFactorial) < 1 - 1e-16)
            {
                hi++;
            }

            _first = lo;
            _cdf = new double[hi - lo + 1];
            for (int j = lo; j <= hi; j++)
            {
                _cdf[j - lo] = j == hi ? 1 : AtLeast(n, j, rank, logFactorial);
            }
        }

        public double Next(SplitMix64 random)
        {
            if (_counts is { } counts)
            {
                int n = _sorted.Length;
                Array.Clear(counts);
                for (int i = 0; i < n; i++)
                {
                    counts[random.NextInt(n)]++;
                }

                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    sum += counts[i] * _sorted[i];
                }

                return sum / n;
            }

            double u = random.NextDouble();
            int at = Array.BinarySearch(_cdf, u);
            at = at >= 0 ? at : Math.Min(~at, _cdf.Length - 1);
            return _sorted[_first + at - 1];
        }

        /// <summary>P(Binomial(n, j/n) &gt;= r), summing the pmf from r outwards on the side of the smaller tail.</summary>
        private static double AtLeast(int n, int j, int r, double[] logFactorial)
        {
            if (j >= n)
            {
                return 1;
            }

            double p = (double)j / n, q = 1 - p;
            double Pmf(int k) => Math.Exp(logFactorial[n] - logFactorial[k] - logFactorial[n - k] + (k * Math.Log(p)) + ((n - k) * Math.Log(q)));
            if (r > n * p)
            {
                // The upper tail, from r up.
                double term = Pmf(r), sum = term;
                for (int k = r; k < n && term > 1e-18 * sum; k++)
                {
                    term *= (double)(n - k) / (k + 1) * p / q;
                    sum += term;
                }

                return Math.Min(sum, 1);
            }

            // 1 − P(X <= r − 1), from r − 1 down.
            double t = Pmf(r - 1), below = t;
            for (int k = r - 1; k > 0 && t > 1e-18 * below; k--)
            {
                t *= k / (double)(n - k + 1) * q / p;
                below += t;
            }

            return Math.Max(0, 1 - below);
        }
    }

    /// <summary>The q-quantile of sorted values, interpolated between order statistics (type 7, R's default).</summary>
    private static double Quantile(double[] sorted, double q)
    {
        double at = q * (sorted.Length - 1);
        int i = (int)Math.Floor(at);
        if (i >= sorted.Length - 1)
        {
            return sorted[^1];
        }

        double frac = at - i;
        return frac == 0 || sorted[i] == sorted[i + 1] ? sorted[i] : sorted[i] + (frac * (sorted[i + 1] - sorted[i]));
    }
}

/// <summary>
/// A percentile's change from the baseline to the head, relative (head/baseline − 1) and absolute (in the samples'
/// unit), each with its bootstrap interval.
/// </summary>
public sealed record PercentileChange(
    double Head,
    double Baseline,
    double Relative,
    double RelativeLower,
    double RelativeUpper,
    double Absolute,
    double AbsoluteLower,
    double AbsoluteUpper,
    int HeadCount,
    int BaselineCount,
    int Resamples);
