using System.Text.RegularExpressions;
using Microsoft.Extensions.FileSystemGlobbing;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;

namespace TraceGate.Core.Gates;

/// <summary>What a condition made of one pull request: the parts that hold, those that do not, and those that
/// cannot be decided because a fact is unknown. Each entry is a phrase for messages.</summary>
public sealed record ConditionOutcome(IReadOnlyList<string> Held, IReadOnlyList<string> NotHeld, IReadOnlyList<string> Unknown)
{
    public bool Holds => Held.Count > 0;

    /// <summary>Nothing holds, but something could not be decided: the condition may hold.</summary>
    public bool Undecided => !Holds && Unknown.Count > 0;
}

/// <summary>
/// Evaluates a <see cref="Condition"/>: any part that holds makes it hold. A part whose fact is unknown, or whose
/// file list was cut, is undecided, never false: an unknown never takes a pull request out of scope.
/// </summary>
public static class ConditionEvaluator
{
    private const int MaxShown = 80;

    public static ConditionOutcome Evaluate(Condition condition, PullRequestFacts facts, IReadOnlyList<Trailer>? trailers, Func<int, string> commitName)
    {
        var held = new List<string>();
        var notHeld = new List<string>();
        var unknown = new List<string>();

        if (condition.Labels.Count > 0)
        {
            if (facts.Labels is not { } labels)
            {
                unknown.Add(MissingReason(facts, FactNames.Labels));
            }
            else if (labels.FirstOrDefault(l => condition.Labels.Contains(l, StringComparer.OrdinalIgnoreCase)) is { } label)
            {
                held.Add($"label {Shown(label)}");
            }
            else
            {
                notHeld.Add($"no label {Either(condition.Labels)}");
            }
        }

        if (condition.Title is { } title)
        {
            if (facts.Title is not { } text)
            {
                unknown.Add(MissingReason(facts, FactNames.Title));
            }
            else
            {
                try
                {
                    bool matches = title.IsMatch(text);
                    (matches ? held : notHeld).Add($"title '{Shown(text)}' {(matches ? "matches" : "does not match")} {title}");
                }
                catch (RegexMatchTimeoutException)
                {
                    unknown.Add($"the title pattern {title} took longer than {title.MatchTimeout.TotalMilliseconds} ms on the title");
                }
            }
        }

        if (condition.Branches.Count > 0)
        {
            if (facts.Branch is not { } branch)
            {
                unknown.Add(MissingReason(facts, FactNames.Branch));
            }
            else if (condition.Branches.FirstOrDefault(g => Globs.Match(g, [branch]) is not null) is { } glob)
            {
                held.Add($"branch {Shown(branch)} matches {glob}");
            }
            else
            {
                notHeld.Add($"branch {Shown(branch)} matches none of {string.Join(", ", condition.Branches)}");
            }
        }

        if (condition.Paths.Count > 0)
        {
            if (facts.ChangedFiles is not { } changed)
            {
                unknown.Add(MissingReason(facts, FactNames.ChangedFiles));
            }
            else
            {
                var paths = changed.Files.SelectMany(f => f.PreviousPath is { } old ? new[] { f.Path, old } : [f.Path]).Distinct(StringComparer.Ordinal).ToList();
                var match = condition.Paths.Select(g => (Glob: g, File: Globs.Match(g, paths))).FirstOrDefault(m => m.File is not null);
                if (match.File is not null)
                {
                    held.Add($"{Shown(match.File)} matches {match.Glob}");
                }
                else if (changed.Truncated)
                {
                    unknown.Add($"the changed-file list was cut at {changed.Files.Count:N0}{(changed.Total is { } t ? $" of {t:N0}" : "")} files "
                        + $"and none listed matches {string.Join(", ", condition.Paths)}: a file not listed may");
                }
                else
                {
                    notHeld.Add(changed.Files.Count == 0
                        ? "no files changed"
                        : $"no changed file matches {string.Join(", ", condition.Paths)} ({changed.Files.Count:N0} {(changed.Files.Count == 1 ? "file" : "files")} changed)");
                }
            }
        }

        if (condition.Trailers.Count > 0)
        {
            if (trailers is null)
            {
                unknown.Add(MissingReason(facts, FactNames.Commits));
            }
            else if (trailers.FirstOrDefault(t => condition.Trailers.Contains(t.Key, StringComparer.OrdinalIgnoreCase)) is { } trailer)
            {
                held.Add($"{commitName(trailer.Commit)} carries the trailer {Shown(trailer.Key)}");
            }
            else
            {
                notHeld.Add($"no commit carries the trailer {Either(condition.Trailers)}");
            }
        }

        return new ConditionOutcome(held, notHeld, unknown);
    }

    /// <summary>Why a fact is unknown: what the host said, or how to give it on the command line.</summary>
    public static string MissingReason(PullRequestFacts facts, string fact) =>
        facts.Missing.TryGetValue(fact, out var why) ? why : fact switch
        {
            FactNames.Labels => "the labels were not given (--labels NAME, or --labels '' for none)",
            FactNames.Title => "the title was not given (--title)",
            FactNames.Branch => "the head branch was not given (--branch)",
            FactNames.Author => "the author was not given (--author)",
            FactNames.ChangedFiles => "the changed files were not given (--changed-files FILE or --git-range BASE..HEAD)",
            FactNames.Commits => "the commits were not given (--commits FILE or --git-range BASE..HEAD)",
            _ => $"{fact} was not given",
        };

    private static string Either(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];

    private static string Shown(string text) => text.Length <= MaxShown ? text : text[..MaxShown] + "…";
}

/// <summary>Glob matching on paths and branch names that are data, not files on disk (Microsoft's
/// FileSystemGlobbing, the same rules as the workspace globs: '*' within a segment, '**' across).</summary>
internal static class Globs
{
    public static string? Match(string glob, IReadOnlyList<string> paths)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(glob);
        // An in-memory tree under a fixed root: nothing is read from disk or from the current directory.
        var result = matcher.Match(Root, paths.Where(p => p.Length > 0 && !p.Split('/').Contains("..")));
        if (!result.HasMatches)
        {
            return null;
        }

        var matched = result.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return paths.FirstOrDefault(matched.Contains) ?? result.Files.First().Path;
    }

    private static readonly string Root = OperatingSystem.IsWindows() ? @"C:\tracegate-in-memory" : "/tracegate-in-memory";
}
