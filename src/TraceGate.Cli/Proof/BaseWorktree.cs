namespace TraceGate.Cli.Proof;

/// <summary>
/// The git worktree of the base commit that the baseline side runs in. It lives in the workspace
/// (<c>.tracegate/worktree</c>) so that tools resolving dependencies upwards from the test files (node_modules, a
/// virtual environment beside the checkout) find the head's installed ones. Removed after the run, also when the run
/// is interrupted; one left by a killed run is removed by the next.
/// </summary>
public sealed class BaseWorktree : IDisposable
{
    public const string RelativePath = ".tracegate/worktree";
    private readonly GitRunner _git;
    private int _removed;

    private BaseWorktree(GitRunner git, string path)
    {
        _git = git;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Where a worktree for this workspace goes.</summary>
    public static string PathFor(string workspaceDir) => System.IO.Path.GetFullPath(System.IO.Path.Combine(workspaceDir, RelativePath));

    /// <summary>Removes a worktree an earlier, killed run left behind. Returns whether there was one.</summary>
    public static bool RemoveLeftover(GitRunner git, string path)
    {
        bool registered = git.Run("worktree", "list", "--porcelain").Out.Split('\n')
            .Any(l => l == "worktree " + path);
        if (!registered && !Directory.Exists(path))
        {
            return false;
        }

        Remove(git, path);
        return true;
    }

    public static BaseWorktree Create(GitRunner git, string path, string commit)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var r = git.Run("worktree", "add", "--detach", "--quiet", path, commit);
        if (r.ExitCode != 0)
        {
            // A half-made worktree is still ours to remove.
            Remove(git, path);
            throw new UserInputException($"--base: cannot make a worktree of {commit[..Math.Min(12, commit.Length)]} at {path}: {r.FirstErrorLine}");
        }

        return new BaseWorktree(git, path);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _removed, 1) == 0)
        {
            Remove(_git, Path);
        }
    }

    private static void Remove(GitRunner git, string path)
    {
        git.Run("worktree", "remove", "--force", "--force", path);
        if (Directory.Exists(path))
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // prune below still drops git's record; the directory is retried by the next run.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        git.Run("worktree", "prune");
    }
}
