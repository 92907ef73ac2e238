using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Release;

/// <summary>One version, in version.txt: every place that ships it carries the same value.</summary>
public sealed class VersionConsistencyTests
{
    private static readonly string Version = File.ReadAllText(Path.Combine(Repo.Root, "version.txt")).Trim();

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Repo.Root, relative));

    [Fact]
    public void VersionFile_HoldsOneSemanticVersion()
    {
        Version.Should().MatchRegex(@"^[0-9]+\.[0-9]+\.[0-9]+$", "version.txt holds MAJOR.MINOR.PATCH, the release tag without its v");
    }

    [Fact]
    public void VersionOption_PrintsVersionFileAndCommit()
    {
        var r = CliHarness.Run(Repo.Root, "--version");
        r.ExitCode.Should().Be(0);
        r.Error.Should().BeEmpty();
        // Built in a git checkout, the SDK's source control information gives the commit.
        r.Out.Should().MatchRegex($@"^tracegate {Regex.Escape(Version)} \(commit [0-9a-f]{{40}}\)\n$");
    }

    [Fact]
    public void JsonReport_NamesToolAndVersion()
    {
        using var dir = new TempDir();
        var r = CliHarness.Run(Repo.Root, "check", "--workspace", "examples/payments", "--pr-body", "examples/payments/pr-body.md",
            "--commits", "examples/payments/commits.nul", "--report-json", dir.File("r.json"), "--summary-md", dir.File("s.md"));
        r.ExitCode.Should().Be(0, r.Out);
        using var report = JsonDocument.Parse(File.ReadAllText(dir.File("r.json")));
        report.RootElement.GetProperty("tool").GetProperty("name").GetString().Should().Be("tracegate");
        report.RootElement.GetProperty("tool").GetProperty("version").GetString().Should().Be(Version);
        File.ReadAllText(dir.File("s.md")).Should().EndWith($"\n_Checked by tracegate {Version}._\n", "the check run's summary footer names the version");
    }

    [Fact]
    public void ActionImage_IsPrebuiltImageOfThisVersion()
    {
        Read("action.yml").Should().Contain($"  image: 'docker://ghcr.io/tracegate/tracegate:{Version}'\n");
    }

    [Fact]
    public void SetupAction_DefaultsToThisVersion()
    {
        Regex.Match(Read("setup/action.yml"), @"\n  version:\n(?:    .*\n)*?    default: '([^']*)'").Groups[1].Value.Should().Be(Version);
    }

    [Fact]
    public void AzureExtensionAndTask_CarryThisVersion()
    {
        using var extension = JsonDocument.Parse(Read("azure-task/vss-extension.json"));
        extension.RootElement.GetProperty("version").GetString().Should().Be(Version);
        using var task = JsonDocument.Parse(Read("azure-task/TraceGate/task.json"));
        var v = task.RootElement.GetProperty("version");
        $"{v.GetProperty("Major").GetInt32()}.{v.GetProperty("Minor").GetInt32()}.{v.GetProperty("Patch").GetInt32()}".Should().Be(Version);
    }
}
