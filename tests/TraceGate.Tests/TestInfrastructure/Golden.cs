using FluentAssertions;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>Golden files for what people read. Set TRACEGATE_UPDATE_GOLDEN=1 to rewrite them, then review the diff.</summary>
public static class Golden
{
    public static void Match(string actual, string relativePath)
    {
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
