using System.Text.RegularExpressions;

namespace TraceGate.Core.Policy;

/// <summary>
/// A condition on the pull request, as <c>evidence.when</c> and a field's <c>required: { when: ... }</c> write it.
/// It holds when any of its parts holds: a label, the title, the head branch, a changed file, a commit trailer.
/// <see cref="KeyPath"/> and <see cref="Line"/> say where the policy wrote it, for messages.
/// </summary>
public sealed record Condition(string KeyPath, int Line)
{
    /// <summary>Label names, compared without regard to case (GitHub and Azure DevOps label names are).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>A regular expression on the PR title, compiled with the policy's match timeout.</summary>
    public Regex? Title { get; init; }

    /// <summary>Globs on the head branch's short name (<c>fix/*</c>): <c>*</c> stays within one '/' segment.</summary>
    public IReadOnlyList<string> Branches { get; init; } = [];

    /// <summary>Globs on the changed files, relative to the repository root; a rename counts with either path.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>Trailer keys (<c>INC</c>), compared without regard to case as git does.</summary>
    public IReadOnlyList<string> Trailers { get; init; } = [];
}

/// <summary>Which pull requests need evidence: <c>evidence.when</c>, <c>evidence.skip-authors</c> and
/// <c>evidence.skip-labels</c>. Without any of them every pull request is in scope.</summary>
public sealed record ScopePolicy(Condition? When, IReadOnlyList<string> SkipAuthors, IReadOnlyList<string> SkipLabels)
{
    public static readonly ScopePolicy Everything = new(null, [], []);

    public bool IsEverything => When is null && SkipAuthors.Count == 0 && SkipLabels.Count == 0;
}

/// <summary>A label pattern of a field (<c>incident:{value}</c>): a label that matches gives the field its value.</summary>
public sealed record LabelPattern(string Text, Regex Regex)
{
    public const string Placeholder = "{value}";

    /// <summary>The value a label carries, or null when the label does not fit the pattern.</summary>
    public string? ValueOf(string label)
    {
        try
        {
            var m = Regex.Match(label);
            return m.Success && m.Groups["value"].Value.Trim() is { Length: > 0 } v ? v : null;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    /// <summary>The pattern as a regular expression: the text around {value} literal, the case ignored.</summary>
    public static LabelPattern? Create(string text, out string? problem)
    {
        int at = text.IndexOf(Placeholder, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(Placeholder, at + Placeholder.Length, StringComparison.Ordinal) >= 0)
        {
            problem = "expected a label pattern with exactly one {value}, e.g. 'incident:{value}'";
            return null;
        }

        if (text.Length == Placeholder.Length)
        {
            problem = "'{value}' alone would make every label a value: give the text around it, e.g. 'incident:{value}'";
            return null;
        }

        string source = "^" + Regex.Escape(text[..at]) + "(?<value>.+)" + Regex.Escape(text[(at + Placeholder.Length)..]) + "$";
        problem = null;
        return new LabelPattern(text, new Regex(source, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, PolicyDefaults.RegexTimeout));
    }
}
