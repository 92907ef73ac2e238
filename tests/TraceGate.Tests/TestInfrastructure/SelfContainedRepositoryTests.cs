using System.Diagnostics;
using FluentAssertions;

namespace TraceGate.Tests.TestInfrastructure;

public sealed class SelfContainedRepositoryTests
{
    [Fact]
    public void TestsAndBuildScripts_ReadNothingOutsideTheRepository()
    {
        // The Azure tests once read ../shared/specs: a clean clone without that folder (and GitHub's own CI) failed
        // 15 tests. What the tests read is vendored; this keeps it so.
        var offenders = TrackedFiles()
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".sh", StringComparison.Ordinal)
                || f.EndsWith(".mjs", StringComparison.Ordinal) || f.EndsWith(".js", StringComparison.Ordinal)
                || f.EndsWith(".yml", StringComparison.Ordinal) || f.StartsWith(".ci/", StringComparison.Ordinal))
            .Where(f => !f.EndsWith(nameof(SelfContainedRepositoryTests) + ".cs", StringComparison.Ordinal))
            .Where(f =>
            {
                var text = File.ReadAllText(Path.Combine(Repo.Root, f));
                return text.Contains("../shared", StringComparison.Ordinal)
                    || text.Contains("\"..\", \"shared\"", StringComparison.Ordinal);
            });
        offenders.Should().BeEmpty("the project's tests need nothing outside the repository");
    }

    [Fact]
    public void AzureApiDescription_IsVendoredWithItsLicence()
    {
        var dir = Path.Combine(Repo.Root, "tests", "mock-servers", "specs");
        File.Exists(Path.Combine(dir, "azure-devops-git-7.1.json")).Should().BeTrue();
        File.ReadAllText(Path.Combine(dir, "azure-devops-git-7.1.LICENSE")).Should().Contain("MIT");
    }

    [Fact]
    public void GeneratedFiles_AreNotTracked()
    {
        // tfx rewrites azure-task/.taskkey on every packaging run; tracked, it left a clean clone dirty after .ci/run.
        TrackedFiles().Should().NotContain("azure-task/.taskkey");
    }

    private static IEnumerable<string> TrackedFiles()
    {
        var psi = new ProcessStartInfo("git", ["-C", Repo.Root, "ls-files", "-z"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var git = Process.Start(psi)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => File.Exists(Path.Combine(Repo.Root, f)));
    }
}
