using System.Text.Json;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Publishers.GitHub;

/// <summary>Writes the verdict to GitHub: a check run on the head commit, and optionally one sticky PR comment.</summary>
public sealed class GitHubPublisher(GitHubApi api, string owner, string repo)
{
    public const int AnnotationsPerRequest = 50;
    private string Repo => $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}";

    /// <summary>Marks the check in progress. A re-run reuses the check run of the same name on the same commit
    /// instead of stacking another one, and so does a retry after a create whose answer was lost.</summary>
    public async Task<long> StartCheckRun(string name, string headSha, string? detailsUrl)
    {
        if (await FindCheckRun(name, headSha).ConfigureAwait(false) is { } existing)
        {
            long id = existing.GetProperty("id").GetInt64();
            await api.Send(HttpMethod.Patch, $"{Repo}/check-runs/{id}", JsonText.Object(w =>
            {
                w.WriteString("status", "in_progress");
            })).ConfigureAwait(false);
            return id;
        }

        var created = await api.Create($"{Repo}/check-runs", JsonText.Object(w =>
        {
            w.WriteString("name", name);
            w.WriteString("head_sha", headSha);
            w.WriteString("status", "in_progress");
            if (detailsUrl is not null)
            {
                w.WriteString("details_url", detailsUrl);
            }
        }), $"check run '{Untrusted.Line(name, 100)}'", () => FindCheckRun(name, headSha)).ConfigureAwait(false);
        return created.GetProperty("id").GetInt64();
    }

    /// <summary>The latest check run of this name on the commit <paramref name="headSha"/>, if there is one.</summary>
    private async Task<JsonElement?> FindCheckRun(string name, string headSha)
    {
        var existing = await api.Get($"{Repo}/commits/{Uri.EscapeDataString(headSha)}/check-runs?check_name={Uri.EscapeDataString(name)}&filter=latest").ConfigureAwait(false);
        if (existing.ValueKind == JsonValueKind.Object && existing.TryGetProperty("check_runs", out var runs) && runs.ValueKind == JsonValueKind.Array)
        {
            foreach (var run in runs.EnumerateArray())
            {
                // The list is the commit's own (commits/{sha}/check-runs): the name is what is left to match.
                if (run.TryGetProperty("name", out var n) && n.GetString() == name && run.TryGetProperty("id", out _))
                {
                    return run.Clone();
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Completes the check run with the report; annotations beyond 50 go in further updates, 50 each. GitHub appends
    /// the annotations of every update, so an update that carries annotations is never resent blindly: after a 5xx,
    /// a timeout or a dropped connection, the check run's annotation count says whether it arrived (counted from
    /// what the check run held before, as a re-run reuses the check run of the same name).
    /// </summary>
    public async Task CompleteCheckRun(long id, Report report, string? annotationRoot)
    {
        string title = Title(report);
        string summary = MarkdownReport.Render(report, MarkdownReport.GitHubCheckRunLimit);
        var annotations = report.Checks.Where(c => c.Location is not null && c.Outcome is Outcome.Fail or Outcome.Warn or Outcome.Inconclusive).ToList();
        var batches = annotations.Chunk(AnnotationsPerRequest).ToList();
        string path = $"{Repo}/check-runs/{id}";
        long before = batches.Count > 0 ? await AnnotationCount(id).ConfigureAwait(false) : 0;
        string completion = JsonText.Object(w =>
        {
            w.WriteString("status", "completed");
            // GitHub's neutral: nothing failed, but something could not be judged.
            w.WriteString("conclusion", report.Conclusion switch { Conclusion.Success => "success", Conclusion.Inconclusive => "neutral", _ => "failure" });
            w.WriteString("completed_at", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            WriteOutput(w, title, summary, batches.Count > 0 ? batches[0] : [], annotationRoot);
        });
        if (batches.Count == 0)
        {
            await api.Send(HttpMethod.Patch, path, completion).ConfigureAwait(false);
            return;
        }

        long sent = 0;
        for (int b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            string json = b == 0 ? completion : JsonText.Object(w => WriteOutput(w, title, summary, batch, annotationRoot));
            long first = sent + 1;
            sent += batch.Length;
            long expected = before + sent;
            await api.SendOnce(HttpMethod.Patch, path, json, $"annotations {first} to {sent} of check run {id}",
                async () => await AnnotationCount(id).ConfigureAwait(false) >= expected ? default(JsonElement) : null).ConfigureAwait(false);
        }
    }

    /// <summary>How many annotations the check run holds (<c>output.annotations_count</c>).</summary>
    private async Task<long> AnnotationCount(long id)
    {
        var run = await api.Get($"{Repo}/check-runs/{id}").ConfigureAwait(false);
        return run.ValueKind == JsonValueKind.Object && run.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Object
            && output.TryGetProperty("annotations_count", out var count) && count.ValueKind == JsonValueKind.Number && count.TryGetInt64(out long n)
            ? n
            : throw new FormatException($"GET {Repo}/check-runs/{id}: the answer has no output.annotations_count");
    }

    /// <summary>One comment per PR and check name, found by a hidden marker and edited in place on re-runs (and
    /// found, not posted twice, after a create whose answer was lost).</summary>
    public async Task UpsertComment(int pullNumber, string checkName, Report report)
    {
        string marker = $"<!-- tracegate:{Uri.EscapeDataString(checkName)} -->";
        string body = marker + "\n" + MarkdownReport.Render(report, MarkdownReport.GitHubCheckRunLimit - marker.Length - 1, mermaid: true);
        string json = JsonText.Object(w => w.WriteString("body", body));
        if (await FindComment(pullNumber, marker).ConfigureAwait(false) is { } mine)
        {
            await api.Send(HttpMethod.Patch, $"{Repo}/issues/comments/{mine.GetProperty("id").GetInt64()}", json).ConfigureAwait(false);
        }
        else
        {
            await api.Create($"{Repo}/issues/{pullNumber}/comments", json, $"comment on PR #{pullNumber}", () => FindComment(pullNumber, marker)).ConfigureAwait(false);
        }
    }

    private async Task<JsonElement?> FindComment(int pullNumber, string marker)
    {
        var comments = await api.GetAll($"{Repo}/issues/{pullNumber}/comments", 3000).ConfigureAwait(false);
        var mine = comments.FirstOrDefault(c => c.TryGetProperty("body", out var b) && b.GetString()?.StartsWith(marker, StringComparison.Ordinal) == true);
        return mine.ValueKind == JsonValueKind.Object ? mine : null;
    }

    public static string Title(Report report) => ScopeLine.Append(report.Conclusion switch
        {
            Conclusion.Success => $"All {report.Checks.Count(c => c.Outcome == Outcome.Pass)} checks passed" + (report.Warned > 0 ? $", {report.Warned} warnings" : ""),
            Conclusion.Inconclusive => $"Inconclusive: {report.Inconclusive} of {report.Checks.Count} checks could not be judged, none failed",
            _ => $"{report.Failed} of {report.Checks.Count} checks failed",
        }, report, TitleLimit);

    /// <summary>GitHub shows the title on one line above the summary; longer scope reasons are cut there.</summary>
    public const int TitleLimit = 200;

    private static void WriteOutput(Utf8JsonWriter w, string title, string summary, IEnumerable<Check> annotations, string? root)
    {
        w.WriteStartObject("output");
        w.WriteString("title", title);
        w.WriteString("summary", summary);
        w.WriteStartArray("annotations");
        foreach (var check in annotations)
        {
            var loc = check.Location!;
            w.WriteStartObject();
            w.WriteString("path", root is null ? loc.Path : Path.Combine(root, loc.Path).Replace('\\', '/'));
            w.WriteNumber("start_line", loc.Line);
            w.WriteNumber("end_line", loc.Line);
            w.WriteString("annotation_level", check.Outcome switch { Outcome.Fail => "failure", Outcome.Inconclusive => "notice", _ => "warning" });
            w.WriteString("title", Untrusted.Line(check.Id, 200));
            w.WriteString("message", Untrusted.Line(check.Message, 60_000));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
