using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace TraceGate.Cli.Inputs;

/// <summary>Reads commit messages of a range with the real git, so the messages are exactly what git stored.</summary>
public static partial class GitLog
{
    [GeneratedRegex(@"^[^-\s][^\s]*$")]
    private static partial Regex SafeRange();

    public static (IReadOnlyList<string> Ids, IReadOnlyList<string> Messages) Read(string workspace, string range)
    {
        // A range starting with '-' would be read by git as an option.
        if (!SafeRange().IsMatch(range) || !range.Contains("..", StringComparison.Ordinal))
        {
            throw new UserInputException($"--git-range '{range}': expected BASE..HEAD, e.g. origin/main..HEAD");
        }

        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var a in new[] { "-C", workspace, "-c", "safe.directory=*", "log", "-z", "--format=%H%x00%B", range, "--" })
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
                throw new UserInputException($"--git-range '{range}': git log failed in {workspace}: {FirstLine(stderr)}");
            }

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
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "no message";
}
