namespace TraceGate.Core.Gates;

/// <summary>
/// What is known about the pull request besides its description and commits: labels, title, head branch, author
/// and changed files. A null member is not known (not given, or the API did not answer); <see cref="Missing"/> may
/// say why, by fact name. An empty list is known to be empty (<c>--labels ''</c>).
/// </summary>
public sealed record PullRequestFacts
{
    public static readonly PullRequestFacts None = new();

    public IReadOnlyList<string>? Labels { get; init; }

    public string? Title { get; init; }

    /// <summary>The head branch's short name (<c>fix/overdraft</c>, not <c>refs/heads/fix/overdraft</c>).</summary>
    public string? Branch { get; init; }

    /// <summary>The author's names as the platform gives them (a GitHub login; an Azure DevOps unique name and
    /// display name); the first is shown.</summary>
    public IReadOnlyList<string>? Author { get; init; }

    public ChangedFiles? ChangedFiles { get; init; }

    /// <summary>Why a fact is unknown, by name (<see cref="FactNames"/>), for messages.</summary>
    public IReadOnlyDictionary<string, string> Missing { get; init; } = new Dictionary<string, string>();

    public bool AnyKnown => Labels is not null || Title is not null || Branch is not null || Author is not null || ChangedFiles is not null;
}

public static class FactNames
{
    public const string Labels = "labels";
    public const string Title = "title";
    public const string Branch = "branch";
    public const string Author = "author";
    public const string ChangedFiles = "changed-files";
    public const string Commits = "commits";
}

/// <summary>One changed file; <see cref="PreviousPath"/> is the old path of a rename.</summary>
public sealed record ChangedFile(string Path, string? PreviousPath = null);

/// <summary>The changed files as listed. <see cref="Truncated"/>: the list is cut (GitHub lists at most 3,000
/// files of a pull request), so a file that is not listed may still have changed; <see cref="Total"/> is the
/// count the platform reports, when it does.</summary>
public sealed record ChangedFiles(IReadOnlyList<ChangedFile> Files)
{
    public bool Truncated { get; init; }

    public int? Total { get; init; }

    /// <summary>A path as git prints it: forward slashes, no leading "./" or "/".</summary>
    public static string Normalize(string path)
    {
        var p = path.Trim().Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal))
        {
            p = p[2..];
        }

        return p.TrimStart('/');
    }
}
