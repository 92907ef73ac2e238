using FluentAssertions;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>Golden files for what people read. Set TRACEGATE_UPDATE_GOLDEN=1 to rewrite them, then review the diff.</summary>
public static partial class Golden
{
    public static void Match(string actual, string relativePath)
    {
        actual = Versionless(actual);
        var source = Path.Combine(Repo.Root, "tests", "TraceGate.Tests", relativePath);
        if (Environment.GetEnvironmentVariable("TRACEGATE_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, actual);
            return;
        }

        File.Exists(source).Should().BeTrue($"the golden file {relativePath} exists (run with TRACEGATE_UPDATE_GOLDEN=1 to create it)");
        actual.Should().Be(File.ReadAllText(source), $"the output matches {relativePath}; if the change is intended, regenerate with TRACEGATE_UPDATE_GOLDEN=1 and review the diff");
    }
}

public static partial class Golden
{
    /// <summary>The release version is the one thing in a report that changes with every release: golden files hold
    /// <c>{version}</c> where the tool's version is printed (the JSON report's tool member, the summary footer).
    /// VersionConsistencyTests checks the real value.</summary>
    public static string Versionless(string text)
    {
        string v = TraceGate.Cli.ToolVersion.Version;
        return text
            .Replace($"\"name\": \"tracegate\",\n    \"version\": \"{v}\"", "\"name\": \"tracegate\",\n    \"version\": \"{version}\"", StringComparison.Ordinal)
            .Replace($"_Checked by tracegate {v}._", "_Checked by tracegate {version}._", StringComparison.Ordinal);
    }
}

public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Example => Path.Combine(Root, "examples", "payments");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TraceGate.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TraceGate.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Fixture(string relative) => Path.Combine(AppContext.BaseDirectory, relative);
}
