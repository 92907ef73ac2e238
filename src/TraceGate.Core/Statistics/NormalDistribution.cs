namespace TraceGate.Core.Statistics;

/// <summary>
/// The standard normal distribution's tail and quantile, to full double precision. .NET has no erf; these come from
/// the two textbook expansions of erfc, each used where it converges fast and without cancellation.
/// </summary>
public static class NormalDistribution
{
    private const double SqrtPi = 1.7724538509055160273;

    /// <summary>P(Z &gt; z).</summary>
    public static double Survival(double z) => z >= 0 ? Erfc(z / Math.Sqrt(2)) / 2 : 1 - (Erfc(-z / Math.Sqrt(2)) / 2);

    /// <summary>P(Z &lt;= z).</summary>
    public static double Cdf(double z) => Survival(-z);

    /// <summary>The z with P(Z &lt;= z) = p, by Newton's method on <see cref="Cdf"/> (it converges in a few steps).</summary>
    public static double Quantile(double p)
    {
        if (p <= 0 || p >= 1 || double.IsNaN(p))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability strictly between 0 and 1");
        }

        if (p > 0.5)
        {
            return -Quantile(1 - p);
        }

        // Start from the tail asymptote, then refine: the density is exp(-z²/2)/√(2π).
        double t = Math.Sqrt(-2 * Math.Log(p));
        double z = -(t - ((2.515517 + (0.802853 * t) + (0.010328 * t * t)) / (1 + (1.432788 * t) + (0.189269 * t * t) + (0.001308 * t * t * t))));
        for (int i = 0; i < 50; i++)
        {
            double density = Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);
            double step = (Cdf(z) - p) / density;
            z -= step;
            if (Math.Abs(step) < 1e-15 * Math.Max(1, Math.Abs(z)))
            {
                break;
            }
        }

        return z;
    }

    /// <summary>
    /// erfc(x) for x &gt;= 0. Below 1: 1 − erf(x), with erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))
    /// (Abramowitz and Stegun 7.1.6, every term positive). From 1: the continued fraction
    /// erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (A&amp;S 7.1.14), evaluated by Lentz's method. Each side of 1 is within a few ulps of
    /// erfc; the series alone loses digits to the subtraction from 2 up (12 at x = 3), the fraction converges slowly below 1.
    /// </summary>
    private static double Erfc(double x)
    {
        if (x < 1)
        {
            double term = x, sum = x;
            for (int n = 1; n < 200 && term > 1e-17 * sum; n++)
            {
                term *= 2 * x * x / ((2 * n) + 1);
                sum += term;
            }

            return 1 - (2 / SqrtPi * Math.Exp(-x * x) * sum);
        }

        // x + K(a_k / x) with a_k = k/2: f = x + (1/2)/(x + (2/2)/(x + (3/2)/(x + …))).
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 1000; k++)
        {
            double a = k / 2.0;
            d = x + (a * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + (a / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(-x * x) / SqrtPi / f;
    }
}
