using System.Text.Json;
using Octokit;
using Octokit.Internal;

namespace TraceGate.Cli.Publishers.GitHub;

/// <summary>
/// The GitHub REST calls TraceGate makes, through Octokit's <see cref="Connection"/>: authentication, the base
/// address as given (GitHub Enterprise Server, or a mock), the user agent, and Octokit's mapping of error responses
/// to exceptions. Payloads are TraceGate's own JSON (<see cref="RawJson"/>): Octokit's reflection-based models do
/// not survive Native AOT.
/// </summary>
public sealed class GitHubApi
{
    private readonly IConnection _connection;
    private readonly Uri _baseAddress;
    private readonly RetryHandler? _retry;

    public GitHubApi(Uri apiUrl, string token, HttpMessageHandler handler)
    {
        // A trailing slash keeps relative paths under a GHES prefix such as https://ghe.example/api/v3/.
        var baseAddress = new Uri(apiUrl.AbsoluteUri.EndsWith('/') ? apiUrl.AbsoluteUri : apiUrl.AbsoluteUri + "/");
        _baseAddress = baseAddress;
        _retry = handler as RetryHandler;
        _connection = new Connection(
            new Octokit.ProductHeaderValue("TraceGate", ThisAssembly.Version),
            baseAddress,
            new InMemoryCredentialStore(new Credentials(token, AuthenticationType.Bearer)),
            new HttpClientAdapter(() => handler),
            new RawJsonSerializer());
    }

    public async Task<JsonElement> Get(string path, CancellationToken ct = default)
    {
        var response = await _connection.Get<RawJson>(Relative(path), null, "application/vnd.github+json", ct).ConfigureAwait(false);
        return Parse(response.Body);
    }

    /// <summary>Every page of a list (following the Link header), up to <paramref name="maxItems"/>.</summary>
    public async Task<List<JsonElement>> GetAll(string path, int maxItems, CancellationToken ct = default)
    {
        var items = new List<JsonElement>();
        Uri? next = Relative(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "per_page=100");
        while (next is not null && items.Count < maxItems)
        {
            var response = await _connection.Get<RawJson>(next, null, "application/vnd.github+json", ct).ConfigureAwait(false);
            var page = Parse(response.Body);
            if (page.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidOperationException($"GET {next}: expected a JSON array");
            }

            items.AddRange(page.EnumerateArray().Select(e => e.Clone()));
            next = response.HttpResponse.ApiInfo?.Links.TryGetValue("next", out var link) == true && SamePlace(link, path) ? link : null;
        }

        return items.Take(maxItems).ToList();
    }

    /// <param name="appending">Every delivery adds to what GitHub holds (annotations): never resent blindly
    /// (<see cref="AppendingContent"/>); use <see cref="SendOnce"/>.</param>
    public async Task<JsonElement> Send(HttpMethod method, string path, string json, bool appending = false, CancellationToken ct = default)
    {
        var uri = Relative(path);
        // An HttpContent body goes out as it is: Octokit would label a string body as a form.
        var content = appending ? new AppendingContent(json) : new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        IApiResponse<RawJson> response = method == HttpMethod.Post
            ? await _connection.Post<RawJson>(uri, content, "application/vnd.github+json", "application/json", (IDictionary<string, string>?)null, ct).ConfigureAwait(false)
            : await _connection.Patch<RawJson>(uri, content, "application/vnd.github+json").ConfigureAwait(false);
        return Parse(response.Body);
    }

    /// <summary>POSTs <paramref name="json"/> to create <paramref name="what"/> at most once: after a 5xx, a timeout
    /// or a dropped connection it looks with <paramref name="findExisting"/> before it POSTs again.</summary>
    public Task<JsonElement> Create(string path, string json, string what, Func<Task<JsonElement?>> findExisting) =>
        SendOnce(HttpMethod.Post, path, json, what, findExisting);

    /// <summary>Sends a request whose repetition would add its effect twice (a POST, or a PATCH carrying
    /// annotations) at most once: after a 5xx, a timeout or a dropped connection, <paramref name="findExisting"/>
    /// looks whether the first attempt arrived before it is sent again.</summary>
    public Task<JsonElement> SendOnce(HttpMethod method, string path, string json, string what, Func<Task<JsonElement?>> findExisting) =>
        CreateOnce.Run(_retry, what, () => Send(method, path, json, appending: method != HttpMethod.Post), findExisting, e => e switch
        {
            ApiException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError } api => $"HTTP {(int)api.StatusCode}",
            HttpRequestException http => http.Message,
            _ => null,
        });

    /// <summary>Only a next page on the same API host and path is followed: the token is never sent elsewhere.</summary>
    private bool SamePlace(Uri link, string path)
    {
        if (!link.IsAbsoluteUri)
        {
            return false;
        }

        var expected = new Uri(_baseAddress, path.Split('?')[0].TrimStart('/'));
        return Uri.Compare(link, expected, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
    }

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);

    private static JsonElement Parse(RawJson? body) =>
        body is null || string.IsNullOrWhiteSpace(body.Text) ? default : JsonDocument.Parse(body.Text).RootElement.Clone();
}

/// <summary>The response body as text: TraceGate parses it with System.Text.Json.</summary>
public sealed record RawJson(string Text);

/// <summary>Octokit's serializer hook: request bodies are already JSON strings; responses stay raw.</summary>
internal sealed class RawJsonSerializer : IJsonSerializer
{
    public string Serialize(object item) => item as string ?? throw new NotSupportedException("TraceGate sends JSON text");

    public T Deserialize<T>(string json) => typeof(T) == typeof(RawJson)
        ? (T)(object)new RawJson(json)
        : throw new NotSupportedException($"TraceGate reads {typeof(T).Name} as raw JSON");
}

internal static class ThisAssembly
{
    public static string Version => typeof(ThisAssembly).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
