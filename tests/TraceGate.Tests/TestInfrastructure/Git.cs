using System.Diagnostics;
using System.Text;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>Runs the real git with no user or system configuration, so trailer settings cannot leak in.</summary>
public static class Git
{
    public static string Run(string workDir, params string[] args) => RunWithInput(workDir, null, args);

    public static string RunWithInput(string workDir, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("git")
        {
            WorkingDirectory = workDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["HOME"] = workDir;
        psi.Environment["GIT_AUTHOR_NAME"] = "Test Author";
        psi.Environment["GIT_AUTHOR_EMAIL"] = "author@example.invalid";
        psi.Environment["GIT_COMMITTER_NAME"] = "Test Author";
        psi.Environment["GIT_COMMITTER_EMAIL"] = "author@example.invalid";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
        }

        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr.Result}");
        }

        return output;
    }

    /// <summary>A fresh repository with one commit per message, oldest first.</summary>
    public static string InitRepo(string dir, params string[] messages)
    {
        Run(dir, "init", "-q", "-b", "main");
        Run(dir, "commit", "-q", "--allow-empty", "-m", "base");
        var baseSha = Run(dir, "rev-parse", "HEAD").Trim();
        int i = 0;
        foreach (var message in messages)
        {
            File.WriteAllText(Path.Combine(dir, $"file{i++}.txt"), message);
            Run(dir, "add", "-A");
            RunWithInput(dir, message, "commit", "-q", "--cleanup=verbatim", "-F", "-");
        }

        return baseSha;
    }
}
