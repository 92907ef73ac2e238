using System.Text.RegularExpressions;

namespace TraceGate.Core.Rules;

/// <summary>Detectors for values that must not be in traces. Offenders name the attribute, never the value.</summary>
public static partial class Redaction
{
    public static readonly IReadOnlyList<string> Known = ["email", "credit-card", "bearer-token", "jwt"];

    [GeneratedRegex(@"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}", RegexOptions.None, 200)]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", RegexOptions.None, 200)]
    private static partial Regex CardCandidate();

    [GeneratedRegex(@"\b[Bb]earer\s+[A-Za-z0-9\-._~+/]{8,}=*", RegexOptions.None, 200)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}", RegexOptions.None, 200)]
    private static partial Regex Jwt();

    /// <summary>The first detector in <paramref name="forbid"/> that the value trips, or null.</summary>
    public static string? Detect(string value, IReadOnlyList<string> forbid)
    {
        if (value.Length < 8)
        {
            return null;
        }

        foreach (var kind in forbid)
        {
            try
            {
                bool hit = kind switch
                {
                    "email" => value.Contains('@', StringComparison.Ordinal) && Email().IsMatch(value),
                    "credit-card" => CardCandidate().Matches(value).Any(m => Luhn(m.Value)),
                    "bearer-token" => Bearer().IsMatch(value),
                    "jwt" => value.Contains("eyJ", StringComparison.Ordinal) && Jwt().IsMatch(value),
                    _ => false,
                };
                if (hit)
                {
                    return kind;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return kind + " (the value was too long to scan within 200 ms)";
            }
        }

        return null;
    }

    private static bool Luhn(string digits)
    {
        int sum = 0, count = 0;
        bool dbl = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            char c = digits[i];
            if (c is ' ' or '-')
            {
                continue;
            }

            int d = c - '0';
            if (dbl)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            count++;
            dbl = !dbl;
        }

        return count is >= 13 and <= 19 && sum % 10 == 0;
    }
}
