using System.Reflection;
using TraceGate.Core.Model;

namespace TraceGate.Cli;

/// <summary>
/// The version from version.txt (Directory.Build.props makes it the assembly's version) and the commit the build
/// came from (the SDK's source control information appends it to the informational version as <c>+SHA</c>; the
/// Dockerfile passes it as SourceRevisionId because the build context has no .git).
/// </summary>
public static class ToolVersion
{
    public const string Name = "tracegate";

    private static readonly string Informational =
        typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static string Version => Informational.Split('+')[0];

    /// <summary>The full commit id, or null for a build outside a git checkout without SourceRevisionId.</summary>
    public static string? Commit => Informational.Split('+') is [_, var sha, ..] && sha.Length > 0 ? sha : null;

    public static ToolInfo Info => new(Name, Version);

    /// <summary>What <c>tracegate --version</c> prints.</summary>
    public static string Line => $"{Name} {Version} (commit {Commit ?? "unknown"})";
}
