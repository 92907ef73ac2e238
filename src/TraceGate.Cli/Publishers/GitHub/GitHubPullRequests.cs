using System.Text.Json;
using TraceGate.Core.Gates;

namespace TraceGate.Cli.Publishers.GitHub;

/// <summary>
/// The pull-request reads TraceGate makes of GitHub's REST API (<see cref="GitHubPublisher"/> makes the writes): the
/// pull request, its commits, its changed files, and the open pull requests from a head branch. Each answer is turned
/// into what the gates read here, so the GitHub host holds no REST paths, as the Azure host holds none
/// (<see cref="Azure.AzureDevOpsApi"/>).
/// </summary>
public sealed class GitHubPullRequests(GitHubApi api, string owner, string repo)
{
    /// <summary>GET /repos/{o}/{r}/pulls/{n}: the pull request as it is now (the event's copy is as it was).</summary>
    public Task<JsonElement> Get(int number) => api.Get($"repos/{owner}/{repo}/pulls/{number}");

    /// <summary>GET /repos/{o}/{r}/pulls/{n}/commits, every page up to <paramref name="max"/>: ids and messages,
    /// newest first (git log order, like --git-range).</summary>
    public async Task<(List<string> Ids, List<string> Messages)> Commits(int number, int max)
    {
        var commits = await api.GetAll($"repos/{owner}/{repo}/pulls/{number}/commits", max).ConfigureAwait(false);
        commits.Reverse();
        var messages = commits.Select(c => c.GetProperty("commit").GetProperty("message").GetString() ?? "").ToList();
        var ids = commits.Select(c => c.GetProperty("sha").GetString() ?? "").ToList();
        return (ids, messages);
    }

    /// <summary>The path of the changed files list, for messages that name the request.</summary>
    public string FilesPath(int number) => $"repos/{owner}/{repo}/pulls/{number}/files";

    /// <summary>GET /repos/{o}/{r}/pulls/{n}/files, every page up to <paramref name="max"/>: paths normalized, with the
    /// path a renamed file had.</summary>
    public async Task<List<ChangedFile>> Files(int number, int max)
    {
        var items = await api.GetAll(FilesPath(number), max).ConfigureAwait(false);
        return items.Select(f => new ChangedFile(
            ChangedFiles.Normalize(f.GetProperty("filename").GetString() ?? ""),
            f.TryGetProperty("previous_filename", out var p) && p.ValueKind == JsonValueKind.String ? ChangedFiles.Normalize(p.GetString()!) : null)).ToList();
    }

    /// <summary>GET /repos/{o}/{r}/pulls?state=open&amp;head={owner}:{branch}: the open pull requests from that branch.</summary>
    public Task<List<JsonElement>> OpenFrom(string headOwner, string headBranch) =>
        api.GetAll($"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}/pulls?state=open&head={Uri.EscapeDataString(headOwner + ":" + headBranch)}", 100);
}
