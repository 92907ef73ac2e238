using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace TraceGate.Cli.Publishers.Azure;

/// <summary>The Azure DevOps Git REST API 7.1 calls TraceGate makes, with the retrying handler and a Bearer token.</summary>
public sealed class AzureDevOpsApi : IDisposable
{
    public const string ApiVersion = "7.1";
    private readonly HttpClient _http;
    private readonly string _gitBase;
    private readonly RetryHandler? _retry;

    /// <param name="collectionUri">SYSTEM_COLLECTIONURI, e.g. https://dev.azure.com/acme/.</param>
    public AzureDevOpsApi(Uri collectionUri, string project, string repositoryId, string token, HttpMessageHandler handler)
    {
        _http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _retry = handler as RetryHandler;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("TraceGate");
        string root = collectionUri.AbsoluteUri.TrimEnd('/');
        _gitBase = $"{root}/{Uri.EscapeDataString(project)}/_apis/git/repositories/{Uri.EscapeDataString(repositoryId)}";
    }

    public Task<JsonElement> PullRequest(int id) => Get($"pullrequests/{id}");

    public void Dispose() => _http.Dispose();

    /// <summary>The PR's commits (newest first), following continuation tokens; truncated messages fetched whole.</summary>
    public async Task<List<(string Id, string Message)>> Commits(int id, int max)
    {
        var result = new List<(string, string)>();
        string? continuation = null;
        do
        {
            string query = "$top=100" + (continuation is null ? "" : "&continuationToken=" + Uri.EscapeDataString(continuation));
            using var response = await Send(HttpMethod.Get, $"pullRequests/{id}/commits", null, query).ConfigureAwait(false);
            var page = await Parse(response).ConfigureAwait(false);
            foreach (var c in Items(page))
            {
                string commitId = c.GetProperty("commitId").GetString() ?? "";
                string message = c.TryGetProperty("comment", out var m) ? m.GetString() ?? "" : "";
                if (c.TryGetProperty("commentTruncated", out var t) && t.ValueKind == JsonValueKind.True)
                {
                    // The list cuts long messages; the trailers are at the end, so read the commit itself.
                    var full = await Get($"commits/{Uri.EscapeDataString(commitId)}").ConfigureAwait(false);
                    message = full.TryGetProperty("comment", out var fm) ? fm.GetString() ?? message : message;
                }

                result.Add((commitId, message));
            }

            continuation = response.Headers.TryGetValues("x-ms-continuationtoken", out var tokens) ? tokens.FirstOrDefault() : null;
        }
        while (continuation is not null && result.Count < max);
        return result.Take(max).ToList();
    }

    public Task<JsonElement> Get(string path) => SendJson(HttpMethod.Get, path, null);

    /// <summary>The PR's labels (GET pullRequests/{id}/labels); inactive ones are left out.</summary>
    public async Task<List<string>> Labels(int id)
    {
        var list = await Get($"pullRequests/{id}/labels").ConfigureAwait(false);
        return Items(list)
            .Where(l => !(l.TryGetProperty("active", out var a) && a.ValueKind == JsonValueKind.False))
            .Select(l => l.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "")
            .Where(n => n.Length > 0)
            .ToList();
    }

    /// <summary>The files the PR changes: the last iteration's changes against the merge base (the default
    /// $compareTo=0), 2,000 a page (the service's maximum) following nextSkip, up to <paramref name="max"/>.
    /// Folders are left out; a rename gives both paths.</summary>
    public async Task<TraceGate.Core.Gates.ChangedFiles> Changes(int id, int max)
    {
        var iterations = await Get($"pullRequests/{id}/iterations").ConfigureAwait(false);
        int last = Items(iterations).Select(i => i.TryGetProperty("id", out var v) && v.TryGetInt32(out int n) ? n : 0).DefaultIfEmpty(0).Max();
        var files = new List<TraceGate.Core.Gates.ChangedFile>();
        if (last <= 0)
        {
            // Every pull request has iteration 1 from its creation: without one the changes cannot be known.
            throw new AzureDevOpsException(200, $"GET pullRequests/{id}/iterations: no iteration with an id above 0");
        }

        int skip = 0;
        bool more = true;
        while (more && files.Count < max)
        {
            using var response = await Send(HttpMethod.Get, $"pullRequests/{id}/iterations/{last}/changes", null, $"$top=2000&$skip={skip}").ConfigureAwait(false);
            var page = await Parse(response).ConfigureAwait(false);
            if (page.ValueKind != JsonValueKind.Object || !page.TryGetProperty("changeEntries", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                throw new AzureDevOpsException(200, $"GET pullRequests/{id}/iterations/{last}/changes: expected an object with changeEntries");
            }

            foreach (var entry in entries.EnumerateArray())
            {
                if (ChangedPath(entry) is { } path)
                {
                    string? old = entry.TryGetProperty("originalPath", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
                    files.Add(new TraceGate.Core.Gates.ChangedFile(TraceGate.Core.Gates.ChangedFiles.Normalize(path),
                        old is { Length: > 0 } ? TraceGate.Core.Gates.ChangedFiles.Normalize(old) : null));
                }
            }

            int next = page.TryGetProperty("nextSkip", out var ns) && ns.TryGetInt32(out int n) ? n : 0;
            more = next > skip && entries.GetArrayLength() > 0;
            skip = next;
        }

        return new TraceGate.Core.Gates.ChangedFiles(files.Take(max).ToList()) { Truncated = more };
    }

    /// <summary>The path of a change entry: the service sends <c>item</c> as an object with <c>path</c> (the
    /// published description types it as a string, so that shape is read too).</summary>
    private static string? ChangedPath(JsonElement entry)
    {
        if (!entry.TryGetProperty("item", out var item))
        {
            return null;
        }

        if (item.ValueKind == JsonValueKind.String)
        {
            return item.GetString() is { Length: > 0 } p ? p : null;
        }

        if (item.ValueKind != JsonValueKind.Object || (item.TryGetProperty("isFolder", out var f) && f.ValueKind == JsonValueKind.True))
        {
            return null;
        }

        return item.TryGetProperty("path", out var path) && path.GetString() is { Length: > 0 } s ? s : null;
    }

    /// <summary>The items of a list response: the service wraps them as {"value": [...], "count": n}; the published
    /// description (and so the mock) gives the bare array. Both are read.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement list) => list.ValueKind switch
    {
        JsonValueKind.Array => list.EnumerateArray(),
        JsonValueKind.Object when list.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Array => v.EnumerateArray(),
        _ => throw new AzureDevOpsException(200, $"expected a list, found {list.ValueKind}"),
    };

    public async Task<JsonElement> SendJson(HttpMethod method, string path, string? json)
    {
        using var response = await Send(method, path, json, null).ConfigureAwait(false);
        return await Parse(response).ConfigureAwait(false);
    }

    /// <summary>A POST that may be repeated without harm, so the retrying handler resends it like a GET.</summary>
    public async Task<JsonElement> PostRepeatable(string path, string json)
    {
        using var response = await Send(HttpMethod.Post, path, json, null, resendBlindly: true).ConfigureAwait(false);
        return await Parse(response).ConfigureAwait(false);
    }

    /// <summary>POSTs <paramref name="json"/> to create <paramref name="what"/> at most once: after a 5xx, a timeout
    /// or a dropped connection it looks with <paramref name="findExisting"/> before it POSTs again.</summary>
    public Task<JsonElement> Create(string path, string json, string what, Func<Task<JsonElement?>> findExisting) =>
        CreateOnce.Run(_retry, what, () => SendJson(HttpMethod.Post, path, json), findExisting, e => e switch
        {
            AzureDevOpsException { Status: >= 500 } azure => $"HTTP {azure.Status}",
            HttpRequestException http => http.Message,
            _ => null,
        });

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? json, string? query, bool resendBlindly = false)
    {
        var uri = new Uri($"{_gitBase}/{path}?{(query is null ? "" : query + "&")}api-version={ApiVersion}");
        using var request = new HttpRequestMessage(method, uri);
        if (resendBlindly)
        {
            request.Options.Set(RetryHandler.ResendBlindly, true);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var response = await _http.SendAsync(request).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            int code = (int)response.StatusCode;
            response.Dispose();
            throw new AzureDevOpsException(code, $"{method} {uri.AbsolutePath}: HTTP {code}: {FirstLine(body)}");
        }

        return response;
    }

    private static async Task<JsonElement> Parse(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string FirstLine(string body)
    {
        var line = body.Split('\n').FirstOrDefault()?.Trim() ?? "";
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}

public sealed class AzureDevOpsException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
