using TraceGate.Core.Model;

namespace TraceGate.Core.Rendering;

/// <summary>The <c>evidence.scope</c> verdict for one-line titles (the GitHub check run's title, the Azure DevOps
/// status description), so a passing check on an out-of-scope pull request says why it passed.</summary>
public static class ScopeLine
{
    public const string CheckId = "evidence.scope";

    /// <summary>The title with the scope appended (" · Evidence not required: ..."), as one inert line.</summary>
    public static string Append(string title, Report report, int maxLength) =>
        Untrusted.Line(report.Checks.FirstOrDefault(c => c.Id == CheckId) is { } scope ? $"{title} · {scope.Message}" : title, maxLength);
}
