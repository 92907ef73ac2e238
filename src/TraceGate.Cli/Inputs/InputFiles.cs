using System.Globalization;
using System.Text;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;
using TraceGate.Core.Policy;

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

    /// <summary>Files matching the globs, relative to the workspace, in a stable order, never outside it.</summary>
    public static IReadOnlyList<string> Glob(FileWorkspace workspace, IEnumerable<string> globs, out List<string> unmatched)
    {
        unmatched = [];
        var all = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var glob in globs)
        {
            if (GlobRules.Check(glob) is { } problem)
            {
                throw new UserInputException($"glob '{glob}': {problem}");
            }

            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(glob);
            var result = matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(workspace.Root)));
            int before = all.Count;
            foreach (var file in result.Files)
            {
                var full = Path.GetFullPath(Path.Combine(workspace.Root, file.Path));
                if (workspace.Contains(full))
                {
                    all.Add(full);
                }
            }

            if (!result.HasMatches || all.Count == before && !result.Files.Any())
            {
                unmatched.Add(glob);
            }
        }

        return all.ToList();
    }
}
