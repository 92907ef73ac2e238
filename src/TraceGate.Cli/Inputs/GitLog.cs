using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using TraceGate.Core.Gates;

namespace TraceGate.Cli.Inputs;

/// <summary>Reads commit messages and changed files of a range with the real git, so they are exactly what git
/// stored.</summary>
public static partial class GitLog
{
    [GeneratedRegex(@"^[^-\s][^\s]*$")]
    private static partial Regex SafeRange();

    public static (IReadOnlyList<string> Ids, IReadOnlyList<string> Messages) Read(string workspace, string range)
    {
        CheckRange(range);
        var stdout = Git(workspace, range, "git log", ["log", "-z", "--format=%H%x00%B", range, "--"]);

        // "%H%x00%B" with -z: id NUL message NUL id NUL message ...
        var parts = stdout.Split('\0');
        var ids = new List<string>();
        var messages = new List<string>();
        for (int i = 0; i + 1 < parts.Length; i += 2)
        {
            ids.Add(parts[i].Trim());
            messages.Add(parts[i + 1]);
        }

        return (ids, messages);
    }

    /// <summary>The files the pull request changes: <c>git diff BASE...HEAD</c>, from the merge base as GitHub and
    /// Azure DevOps show a PR, with renames found (a rename gives both paths).</summary>
    public static ChangedFiles ChangedFiles(string workspace, string range)
    {
        CheckRange(range);
        int dots = range.IndexOf("..", StringComparison.Ordinal);
        string head = range[(dots + (range.AsSpan(dots).StartsWith("...") ? 3 : 2))..];
        string diffRange = range[..dots] + "..." + (head.Length == 0 ? "HEAD" : head);
        var stdout = Git(workspace, range, "git diff", ["-c", "core.quotePath=false", "diff", "--name-status", "-z", "-M", "--no-color", "--no-ext-diff", diffRange, "--"]);

        // --name-status -z: STATUS NUL PATH NUL, and for renames and copies STATUS NUL OLD NUL NEW NUL.
        var parts = stdout.Split('\0');
        var files = new List<ChangedFile>();
        for (int i = 0; i < parts.Length && parts[i].Length > 0;)
        {
            char status = parts[i][0];
            if (status is 'R' or 'C' && i + 2 < parts.Length)
            {
                files.Add(new ChangedFile(parts[i + 2], status == 'R' ? parts[i + 1] : null));
                i += 3;
            }
            else if (i + 1 < parts.Length)
            {
                files.Add(new ChangedFile(parts[i + 1]));
                i += 2;
            }
            else
            {
                break;
            }
        }

        return new ChangedFiles(files);
    }

    private static void CheckRange(string range)
    {
        // A range starting with '-' would be read by git as an option.
        if (!SafeRange().IsMatch(range) || !range.Contains("..", StringComparison.Ordinal))
        {
            throw new UserInputException($"--git-range '{range}': expected BASE..HEAD, e.g. origin/main..HEAD");
        }
    }

    private static string Git(string workspace, string range, string what, string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var a in new[] { "-C", workspace, "-c", "safe.directory=*" }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new UserInputException("cannot start git");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new UserInputException($"--git-range needs git on PATH: {e.Message}");
        }

        using (process)
        {
            var stderrTask = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var stderr = stderrTask.Result;
            if (process.ExitCode != 0)
            {
                throw new UserInputException($"--git-range '{range}': {what} failed in {workspace}: {FirstLine(stderr)}");
            }

            return stdout;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "no message";
}
