using System.Diagnostics;
using System.Text;

namespace TraceGate.Cli.Proof;

/// <summary>Runs the real git for <c>tracegate prove</c>: the repository's own objects, never the network.</summary>
public sealed class GitRunner(string repository)
{
    public string Repository { get; } = repository;

    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string FirstErrorLine => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";
    }

    public Result Run(params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        // safe.directory: the container action runs as another user than the one who checked out.
        foreach (var a in new[] { "-C", Repository, "-c", "safe.directory=*" }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        // No credential prompts or fetches behind the user's back: prove works on the local objects only.
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new UserInputException("cannot start git");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new UserInputException($"tracegate prove needs git on PATH: {e.Message}");
        }

        using (process)
        {
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new Result(process.ExitCode, stdout, stderr.Result);
        }
    }

    public string Required(string what, params string[] args)
    {
        var r = Run(args);
        if (r.ExitCode != 0)
        {
            throw new UserInputException($"{what}: git {string.Join(' ', args)} failed in {Repository}: {r.FirstErrorLine}");
        }

        return r.Out.Trim();
    }
}
