namespace TraceGate.Core.Model;

/// <summary>The program that wrote a report: the JSON report's <c>tool</c> member and the summary's footer.</summary>
/// <param name="Name">Always <c>tracegate</c> for reports TraceGate writes.</param>
/// <param name="Version">The release version from version.txt (semantic versioning, no commit).</param>
public sealed record ToolInfo(string Name, string Version);
