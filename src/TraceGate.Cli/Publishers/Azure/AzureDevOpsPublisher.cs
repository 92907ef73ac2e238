using System.Text.Json;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Publishers.Azure;

/// <summary>Writes the verdict to an Azure DevOps PR: a PR status, and one comment thread edited in place.</summary>
public sealed class AzureDevOpsPublisher(AzureDevOpsApi api)
{
    /// <summary>Azure DevOps keeps PR comments up to 150,000 characters.</summary>
    public const int CommentLimit = 150_000;

    public async Task PostStatus(int pullRequestId, string checkName, Report report, string? targetUrl)
    {
        string json = JsonText.Object(w =>
        {
            w.WriteString("state", State(report));
            w.WriteString("description", Untrusted.Line(Title(report), 200));
            w.WriteStartObject("context");
            w.WriteString("genre", "tracegate");
            w.WriteString("name", checkName);
            w.WriteEndObject();
            if (targetUrl is not null)
            {
                w.WriteString("targetUrl", targetUrl);
            }
        });
        // Resent blindly after a lost answer, unlike the thread. Azure DevOps reads statuses per context: "in order
        // to update a status create a new status with the same genre and name values" (REST API, Pull Request
        // Statuses). The latest status of a context is the one the PR page shows and a status policy evaluates, so
        // a second one with the same context, state, description and target changes nothing anyone sees; looking
        // first would cost a list call per attempt and gain nothing.
        await api.PostRepeatable($"pullRequests/{pullRequestId}/statuses", json).ConfigureAwait(false);
    }

    /// <summary>One thread per check name, found by a hidden marker; re-runs edit its first comment, and the thread
    /// is closed when the gate passes and active again when it fails.</summary>
    public async Task UpsertThread(int pullRequestId, string checkName, Report report)
    {
        string marker = $"<!-- tracegate:{Uri.EscapeDataString(checkName)} -->";
        string content = marker + "\n" + MarkdownReport.Render(report, CommentLimit - marker.Length - 1);
        string status = report.Conclusion == Conclusion.Success ? "closed" : "active";
        if (await FindThread(pullRequestId, marker).ConfigureAwait(false) is { } thread)
        {
            long threadId = thread.GetProperty("id").GetInt64();
            long commentId = thread.GetProperty("comments")[0].GetProperty("id").GetInt64();
            await api.SendJson(HttpMethod.Patch, $"pullRequests/{pullRequestId}/threads/{threadId}/comments/{commentId}",
                JsonText.Object(w => w.WriteString("content", content))).ConfigureAwait(false);
            await api.SendJson(HttpMethod.Patch, $"pullRequests/{pullRequestId}/threads/{threadId}",
                JsonText.Object(w => w.WriteString("status", status))).ConfigureAwait(false);
            return;
        }

        await api.Create($"pullRequests/{pullRequestId}/threads", JsonText.Object(w =>
        {
            w.WriteStartArray("comments");
            w.WriteStartObject();
            w.WriteNumber("parentCommentId", 0);
            w.WriteString("content", content);
            w.WriteString("commentType", "text");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("status", status);
        }), $"comment thread on pull request {pullRequestId}", () => FindThread(pullRequestId, marker)).ConfigureAwait(false);
    }

    /// <summary>The thread whose first comment starts with TraceGate's marker for this check name.</summary>
    private async Task<JsonElement?> FindThread(int pullRequestId, string marker)
    {
        var threads = await api.Get($"pullRequests/{pullRequestId}/threads").ConfigureAwait(false);
        foreach (var thread in AzureDevOpsApi.Items(threads))
        {
            if (thread.TryGetProperty("comments", out var comments) && comments.ValueKind == JsonValueKind.Array && comments.GetArrayLength() > 0
                && comments[0].TryGetProperty("content", out var c) && c.GetString()?.StartsWith(marker, StringComparison.Ordinal) == true)
            {
                return thread;
            }
        }

        return null;
    }

    public static string Title(Report report) => ScopeLine.Append(report.Conclusion switch
        {
            Conclusion.Success => $"TraceGate passed: {report.Checks.Count(c => c.Outcome == Outcome.Pass)} checks",
            Conclusion.Inconclusive => $"TraceGate inconclusive: {report.Inconclusive} of {report.Checks.Count} checks could not be judged, none failed",
            _ => $"TraceGate failed: {report.Failed} of {report.Checks.Count} checks",
        }, report, 200);

    /// <summary>
    /// The PR status's GitStatusState. An inconclusive run posts notApplicable, Azure DevOps's neutral: a status
    /// policy neither passes nor blocks on it, as GitHub treats a neutral check run, and the description says why.
    /// </summary>
    public static string State(Report report) => report.Conclusion switch
    {
        Conclusion.Success => "succeeded",
        Conclusion.Inconclusive => "notApplicable",
        _ => "failed",
    };
}
