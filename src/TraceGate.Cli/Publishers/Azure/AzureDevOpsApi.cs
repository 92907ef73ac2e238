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

    /// <param name="collectionUri">SYSTEM_COLLECTIONURI, e.g. https://dev.azure.com/acme/.</param>
    public AzureDevOpsApi(Uri collectionUri, string project, string repositoryId, string token, HttpMessageHandler handler)
    {
        _http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
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

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? json, string? query)
    {
        var uri = new Uri($"{_gitBase}/{path}?{(query is null ? "" : query + "&")}api-version={ApiVersion}");
        using var request = new HttpRequestMessage(method, uri);
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
