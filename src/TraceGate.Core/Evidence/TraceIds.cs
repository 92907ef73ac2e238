using System.Text.RegularExpressions;

namespace TraceGate.Core.Evidence;

/// <summary>W3C Trace Context trace ids: 32 hex digits, not all zero, bare or inside a URL.</summary>
public static partial class TraceIds
{
    [GeneratedRegex("(?<![0-9A-Fa-f])[0-9A-Fa-f]{32}(?![0-9A-Fa-f])")]
    private static partial Regex Candidate();

    /// <summary>The lowercase trace id found in the value or, failing that, in the link URL.</summary>
    public static string? Find(string value, string? url)
    {
        foreach (var text in new[] { value, url })
        {
            if (text is null)
            {
                continue;
            }

            foreach (Match m in Candidate().Matches(text))
            {
                if (m.Value.Any(c => c != '0'))
                {
                    return m.Value.ToLowerInvariant();
                }
            }
        }

        return null;
    }

    public static bool IsAllZero(string value) => Candidate().Matches(value).Any(m => m.Value.All(c => c == '0'));
}
