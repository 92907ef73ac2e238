using TraceGate.Core.Evidence;

namespace TraceGate.Cli.Inputs;

/// <summary>The checkout on disk. Paths from the PR are resolved through symbolic links and must stay inside.</summary>
public sealed class FileWorkspace : IWorkspace
{
    private const int MaxLinkHops = 40;

    public FileWorkspace(string root)
    {
        Root = Path.GetFullPath(root);
        RealRoot = RealPath(Root) ?? Root;
    }

    public string Root { get; }

    private string RealRoot { get; }

    public PathState Probe(string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(Root, relativePath));
        if (!IsInside(full, Root))
        {
            return PathState.OutsideWorkspace;
        }

        var real = RealPath(full);
        if (real is null)
        {
            return PathState.Missing;
        }

        return IsInside(real, RealRoot) ? PathState.Exists : PathState.OutsideWorkspace;
    }

    public bool Contains(string fullPath) => Probe(Path.GetRelativePath(Root, fullPath)) == PathState.Exists;

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>realpath(3): every link on the way resolved; null when something on the way does not exist.</summary>
    internal static string? RealPath(string path)
    {
        var parts = Path.GetFullPath(path).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        string current = Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
        int hops = 0;
        var queue = new Queue<string>(parts);
        while (queue.Count > 0)
        {
            var next = Path.Combine(current, queue.Dequeue());
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (!info.Exists && info.LinkTarget is null)
            {
                return null;
            }

            if (info.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    return null;
                }

                var resolved = Path.GetFullPath(Path.Combine(current, target));
                var rest = queue.ToArray();
                queue = new Queue<string>(resolved.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                current = Path.GetPathRoot(resolved) ?? "/";
                continue;
            }

            current = next;
        }

        return current;
    }
}
