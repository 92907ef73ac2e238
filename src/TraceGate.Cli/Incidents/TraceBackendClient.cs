using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TraceGate.Cli.Publishers;

namespace TraceGate.Cli.Incidents;

public enum BackendStatus
{
    Found,

    /// <summary>The backend answered that it has no such trace (or refused the id): the incident's trace is not
    /// there, which fails <c>proof.incident</c>.</summary>
    NotFound,

    /// <summary>The backend could not be asked (no connection, timeouts, 5xx after retries, a refused token):
    /// nothing is known, so <c>proof.incident</c> is inconclusive, never a pass.</summary>
    Unreachable,
}

/// <summary>What the backend said about one trace id. <see cref="Message"/> never holds the token.</summary>
public sealed record BackendAnswer(BackendStatus Status, Uri Url, byte[]? Body, string Message);

/// <summary>
/// Fetches one trace from Jaeger or Tempo, with the publishers' retries and per-attempt timeout (<see
/// cref="RetryHandler"/>: 5xx, 429, timeouts and dropped connections are retried with backoff; a GET is always safe
/// to resend). The token goes in an <c>Authorization: Bearer</c> header and nowhere else.
/// </summary>
public sealed class TraceBackendClient(TraceBackend backend, string? token, HttpMessageHandler handler, RetryPolicy? retry = null, Action<string>? log = null)
{
    /// <summary>An answer larger than this is refused: the readers read Jaeger and Tempo JSON whole, up to 256 MiB.</summary>
    public const long MaxAnswerBytes = 256L * 1024 * 1024;

    public BackendAnswer Fetch(string traceId)
    {
        using var http = new HttpClient(new RetryHandler(handler, retry ?? new RetryPolicy(), log), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var urls = backend.TraceUrls(traceId);
        for (int i = 0; ; i++)
        {
            var answer = Ask(http, urls[i]);
            bool json = answer.Body is { } body && LooksLikeJson(body);
            if (answer.Status == BackendStatus.Unreachable || answer.Status == BackendStatus.Found && json)
            {
                return answer;
            }

            // Jaeger's api_v3 gateway is newer than the UI's API: a Jaeger without it answers 404, or with its UI's
            // page for an unknown path. Either way the UI's /api/traces/{id} is asked next.
            if (i == urls.Count - 1)
            {
                return answer.Status == BackendStatus.Found
                    ? answer with { Status = BackendStatus.NotFound, Body = null, Message = $"{Path(urls[i])} answered, but not with JSON: is {backend} the backend's API address?" }
                    : answer;
            }
        }
    }

    private BackendAnswer Ask(HttpClient http, Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            // SendAsync: the synchronous Send would go around RetryHandler, which only overrides SendAsync.
            using var response = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            if (response.Content.Headers.ContentLength > MaxAnswerBytes)
            {
                return new BackendAnswer(BackendStatus.NotFound, url, null, $"{Path(url)}: the answer is {response.Content.Headers.ContentLength} bytes, over the {MaxAnswerBytes / (1024 * 1024)} MiB limit");
            }

            byte[] body = ReadBounded(response);
            int code = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return new BackendAnswer(BackendStatus.Found, url, body, $"{Path(url)}: HTTP 200, {body.Length} bytes");
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new BackendAnswer(BackendStatus.Unreachable, url, null,
                    $"{Path(url)}: HTTP {code}: the backend refused the request ({(token is null ? "no token was given: --trace-backend-token-env NAME" : "the token was refused")})");
            }

            if (code >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return new BackendAnswer(BackendStatus.Unreachable, url, null, $"{Path(url)}: HTTP {code} after retries{Said(body)}");
            }

            return new BackendAnswer(BackendStatus.NotFound, url, null, $"{Path(url)}: HTTP {code}{Said(body)}");
        }
        catch (HttpRequestException e)
        {
            return new BackendAnswer(BackendStatus.Unreachable, url, null, e.Message);
        }
        catch (IOException e)
        {
            return new BackendAnswer(BackendStatus.Unreachable, url, null, $"{Path(url)}: the answer was cut off: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            return new BackendAnswer(BackendStatus.Unreachable, url, null, $"{Path(url)}: no answer in time");
        }
    }

    private static byte[] ReadBounded(HttpResponseMessage response)
    {
        using var stream = response.Content.ReadAsStream();
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            if (copy.Length + n > MaxAnswerBytes)
            {
                throw new IOException($"over the {MaxAnswerBytes / (1024 * 1024)} MiB limit");
            }

            copy.Write(buffer, 0, n);
        }

        return copy.ToArray();
    }

    private static string Path(Uri url) => "GET " + url.AbsolutePath;

    /// <summary>What the backend said, for the message: Jaeger's <c>errors[0].msg</c>, api_v3's
    /// <c>error.message</c>, or the first line of a text answer (Tempo's), cut short.</summary>
    private static string Said(byte[] body)
    {
        string? text = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0 && errors[0].ValueKind == JsonValueKind.Object && errors[0].TryGetProperty("msg", out var msg))
            {
                text = msg.ToString();
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message))
            {
                text = message.ToString();
            }
        }
        catch (JsonException)
        {
            text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400)).Split('\n')[0].Trim();
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        return ": " + (text.Length > 200 ? text[..200] + "…" : text);
    }

    private static bool LooksLikeJson(byte[] body)
    {
        foreach (byte b in body)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            return b is (byte)'{' or (byte)'[';
        }

        return false;
    }
}
