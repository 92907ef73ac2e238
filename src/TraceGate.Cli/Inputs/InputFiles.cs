using System.Globalization;
using System.Text;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;
using TraceGate.Core.Policy;
using TraceGate.Core.PolicyFile;

namespace TraceGate.Cli.Inputs;

/// <summary>Reads the files the user names, with size limits and messages that name the file.</summary>
public static class InputFiles
{
    /// <summary>GitHub caps a PR body at 65,536 characters; this leaves room for other hosts and stops a 10 MB one.</summary>
    public const int MaxPrBodyBytes = 1024 * 1024;

    /// <summary>All commit messages of a PR together, wherever they come from: a --commits file, --git-range, or a
    /// CI platform's API.</summary>
    public const int MaxCommitsBytes = 16 * 1024 * 1024;

    public const int MaxPolicyBytes = 256 * 1024;

    public static string ReadText(string path, int maxBytes, string what)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path))
            {
                throw new UserInputException($"{path}: is a directory, expected the {what} file");
            }

            if (!info.Exists)
            {
                throw new UserInputException($"{path}: no such file (the {what})");
            }

            if (info.Length > maxBytes)
            {
                throw new UserInputException($"{path}: {info.Length} bytes is over the {maxBytes / 1024} KiB limit for the {what}");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new UserInputException($"{path}: cannot read the {what}: {e.Message}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new UserInputException($"{path}: permission denied reading the {what}");
        }

        return Decode(path, bytes, what);
    }

    public static string Decode(string path, byte[] bytes, string what)
    {
        try
        {
            var span = bytes.AsSpan();
            if (span.StartsWith(Encoding.UTF8.Preamble))
            {
                span = span[3..];
            }

            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span);
        }
        catch (DecoderFallbackException e)
        {
            throw new UserInputException($"{path}: byte offset {e.Index}: the {what} is not valid UTF-8");
        }
    }

    /// <summary>Refuses commit messages over <see cref="MaxCommitsBytes"/> (UTF-8) together; <paramref name="what"/>
    /// says where they were read, e.g. "the commit messages of PR #7 read from the GitHub API".</summary>
    public static void CheckCommitsSize(IReadOnlyList<string> messages, string what)
    {
        long bytes = 0;
        foreach (var message in messages)
        {
            bytes += Encoding.UTF8.GetByteCount(message);
        }

        if (bytes > MaxCommitsBytes)
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"{what} are {bytes:N0} bytes together: over the {MaxCommitsBytes / (1024 * 1024)} MiB limit for a pull request's commit messages"));
        }
    }

    /// <summary>Splits what <c>git log -z --format=%B</c> writes: messages separated by NUL.</summary>
    public static IReadOnlyList<string> SplitCommits(string text) =>
        text.Split('\0').Where(m => m.Trim().Length > 0).ToList();

    /// <summary>What a set of globs found: the files, the globs that matched nothing, and the files a glob matched
    /// that were refused because they resolve outside the checkout (a symbolic link out of it).</summary>
    public sealed record GlobResult(IReadOnlyList<string> Files, IReadOnlyList<string> Unmatched, IReadOnlyList<(string Glob, string File)> Refused);

    /// <summary>Files matching the globs, relative to the workspace, in a stable order, never outside it: for globs from
    /// the policy file, which comes from the PR's own branch.</summary>
    public static IReadOnlyList<string> Glob(FileWorkspace workspace, IEnumerable<string> globs, out List<string> unmatched)
    {
        var result = Glob(workspace, globs, ciConfigured: false);
        unmatched = result.Unmatched.Concat(result.Refused.Select(r => r.Glob)).Distinct().ToList();
        return result.Files;
    }

    /// <summary>
    /// Files matching the globs in a stable order. Globs the CI configuration gives (<paramref name="ciConfigured"/>:
    /// an option, a <c>TRACEGATE_*</c> variable, an action or task input) may be absolute or lead out of the
    /// workspace with <c>..</c> (Azure writes TRX to <c>$(Agent.TempDirectory)/TestResults</c>); a relative one
    /// resolves against the workspace. Policy globs stay inside the workspace, and so does every file they match.
    /// </summary>
    public static GlobResult Glob(FileWorkspace workspace, IEnumerable<string> globs, bool ciConfigured)
    {
        var unmatched = new List<string>();
        var refused = new List<(string, string)>();
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var glob in globs)
        {
            if (!ciConfigured && GlobRules.Check(glob) is { } problem)
            {
                throw new UserInputException($"glob '{glob}': {problem}");
            }

            if (glob.Trim().Length == 0)
            {
                throw new UserInputException("a glob cannot be empty");
            }

            var (root, pattern) = SplitGlob(workspace.Root, glob);
            var files = new List<string>();
            if (pattern is null)
            {
                if (File.Exists(root))
                {
                    files.Add(root);
                }
            }
            else if (Directory.Exists(root))
            {
                var matcher = new Matcher(StringComparison.Ordinal);
                matcher.AddInclude(pattern);
                files.AddRange(matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root))).Files
                    .Select(f => Path.GetFullPath(Path.Combine(root, f.Path))));
            }

            int kept = 0;
            foreach (var full in files)
            {
                bool inside = workspace.Contains(full);
                if (inside || (ciConfigured && !IsInside(full, workspace.Root)))
                {
                    all.Add(full);
                    kept++;
                }
                else
                {
                    // A policy glob's match, or a match inside the checkout that a link leads out of it.
                    refused.Add((glob, Path.GetRelativePath(workspace.Root, full)));
                }
            }

            if (files.Count == 0)
            {
                unmatched.Add(glob);
            }
        }

        return new GlobResult(all.ToList(), unmatched, refused);
    }

    /// <summary>Splits a glob into the folder its literal leading segments name (resolved against
    /// <paramref name="baseDir"/>) and the pattern below it; no pattern when the glob names one file.</summary>
    internal static (string Root, string? Pattern) SplitGlob(string baseDir, string glob)
    {
        var segments = glob.Replace('\\', '/').Split('/');
        int literal = 0;
        while (literal < segments.Length && segments[literal].IndexOfAny(['*', '?', '[', '{']) < 0)
        {
            literal++;
        }

        bool rooted = glob.StartsWith('/') || glob.StartsWith('\\') || Path.IsPathRooted(glob);
        string prefix = string.Join('/', segments[..literal]);
        string root = Path.GetFullPath(rooted ? (prefix.Length == 0 ? "/" : prefix) : Path.Combine(baseDir, prefix.Length == 0 ? "." : prefix));
        return literal == segments.Length ? (root, null) : (root, string.Join('/', segments[literal..]));
    }

    /// <summary>How a file is named in messages: relative to the workspace when inside it, else its full path.</summary>
    public static string Display(FileWorkspace workspace, string full) =>
        IsInside(full, workspace.Root) ? Path.GetRelativePath(workspace.Root, full) : full;

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
