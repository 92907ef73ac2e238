using System.Text.RegularExpressions;

namespace TraceGate.Core.Evidence;

/// <summary>
/// Template filler that is not evidence: an empty value, <c>&lt;...&gt;</c>, <c>INC-XXXX</c>, <c>TBD</c>,
/// <c>TODO</c>, <c>...</c>, or anything cut short with a trailing <c>...</c> (<c>3f6b2a...</c>, <c>tests/...</c>).
/// </summary>
public static partial class Placeholder
{
    [GeneratedRegex(@"^\s*<[^<>]*>\s*$")]
    private static partial Regex AngleBrackets();

    [GeneratedRegex(@"(^|[^A-Za-z0-9])[A-Z0-9]*-?X{3,}([^A-Za-z0-9]|$)")]
    private static partial Regex XFiller();

    [GeneratedRegex(@"^(tbd|tba|todo|fixme|n/?a|none|null|-+|_+|\?+|\.\.\.|…)(\W.*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex FillerWord();

    /// <summary>Returns why the value is a placeholder, or null when it is real content.</summary>
    public static string? Reason(string value, bool onlyComment)
    {
        string v = value.Trim();
        if (v.Length == 0)
        {
            return onlyComment ? "holds only the template's comment" : "is empty";
        }

        if (AngleBrackets().IsMatch(v))
        {
            return $"still holds the template's placeholder '{v}'";
        }

        if (XFiller().IsMatch(v))
        {
            return $"still holds the template's placeholder '{v}'";
        }

        if (FillerWord().IsMatch(v))
        {
            return $"still holds the template's placeholder '{v}'";
        }

        if (v.EndsWith("...", StringComparison.Ordinal) || v.EndsWith('…'))
        {
            return $"still holds the template's placeholder '{v}' (cut short with '...')";
        }

        return null;
    }
}
