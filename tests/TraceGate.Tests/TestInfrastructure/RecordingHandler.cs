using System.Net;
using System.Text;

namespace TraceGate.Tests.TestInfrastructure;

public sealed record RecordedRequest(string Method, string PathAndQuery, string? Body, int Status, string? ResponseBody);

/// <summary>
/// Sits between TraceGate and the mock: records every request and the mock's verdict on it, sends
/// <c>Accept: application/json</c> (prism answers 406 to GitHub's vendored type), and injects the faults a test
/// asks for. Everything not faulted is answered by the schema-validating mock.
/// </summary>
public sealed class RecordingHandler(Uri mock) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly List<RecordedRequest> _requests = [];

    public List<Func<HttpRequestMessage, int, HttpResponseMessage?>> Faults { get; } = [];

    /// <summary>Replaces the mock's answer to a path (e.g. a PR whose body is hostile); the request is still validated.</summary>
    public Dictionary<string, string> Overrides { get; } = [];

    /// <summary>Rewrites the mock's successful answer (pages with Link headers, a query-dependent body); the
    /// request is still validated by the mock first.</summary>
    public List<Action<HttpRequestMessage, HttpResponseMessage>> Rewrites { get; } = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public IEnumerable<RecordedRequest> Writes => Requests.Where(r => r.Method is "POST" or "PATCH" or "PUT" or "DELETE");

    private readonly List<(Func<HttpRequestMessage, bool> Applies, string ListPath, Func<string, string, string> List)> _acceptThenFail = [];

    /// <summary>
    /// The lost answer: the first request <paramref name="applies"/> to goes to the mock, which validates it and
    /// "creates" the object, but TraceGate gets a 502, as when the connection to GitHub fails after GitHub acted.
    /// From then on the list call at <paramref name="listPath"/> serves what was created:
    /// <paramref name="list"/>(request body, the mock's answer) gives that list's JSON.
    /// </summary>
    public void AcceptThenFail(Func<HttpRequestMessage, bool> applies, string listPath, Func<string, string, string> list) =>
        _acceptThenFail.Add((applies, listPath, list));

    /// <summary>The lost answer of a request that changes an object the test reads back by other means (the
    /// recorded requests the mock accepted): it reaches the mock, TraceGate gets a 502.</summary>
    public void AcceptThenFail(Func<HttpRequestMessage, bool> applies) => _acceptThenFail.Add((applies, "", (_, _) => ""));

    private readonly List<Func<HttpRequestMessage, bool>> _hangs = [];

    /// <summary>A server that never answers: requests <paramref name="applies"/> to wait until the caller gives up
    /// (its cancellation), never reaching the mock. Recorded with status 0.</summary>
    public void Hang(Func<HttpRequestMessage, bool> applies) => _hangs.Add(applies);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        int index;
        lock (_requests)
        {
            index = _requests.Count;
        }

        foreach (var fault in Faults)
        {
            if (fault(request, index) is { } faulted)
            {
                Record(request, body, (int)faulted.StatusCode, null);
                return faulted;
            }
        }

        if (_hangs.Any(h => h(request)))
        {
            Record(request, body, 0, null);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var target = new Uri(mock, request.RequestUri!.PathAndQuery);
        var forward = new HttpRequestMessage(request.Method, target);
        foreach (var h in request.Headers)
        {
            forward.Headers.TryAddWithoutValidation(h.Key, h.Value);
        }

        forward.Headers.Accept.Clear();
        forward.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
        {
            forward.Content = new StringContent(body, Encoding.UTF8, request.Content!.Headers.ContentType?.MediaType ?? "application/json");
        }

        var response = await base.SendAsync(forward, cancellationToken);
        var responseBody = await response.Content.ReadAsStringAsync(cancellationToken);
        Record(request, body, (int)response.StatusCode, responseBody);
        lock (_acceptThenFail)
        {
            int lost = _acceptThenFail.FindIndex(a => a.Applies(request));
            if (lost >= 0 && response.IsSuccessStatusCode)
            {
                var (_, listPath, list) = _acceptThenFail[lost];
                _acceptThenFail.RemoveAt(lost);
                if (listPath.Length > 0)
                {
                    Overrides[listPath] = list(body ?? "", responseBody);
                }

                response.Dispose();
                return Status(HttpStatusCode.BadGateway, "<html><body>502 Bad Gateway</body></html>");
            }
        }
        if (Overrides.TryGetValue(request.RequestUri.AbsolutePath, out var replacement) && response.IsSuccessStatusCode)
        {
            response.Content = new StringContent(replacement, Encoding.UTF8, "application/json");
        }

        if (response.IsSuccessStatusCode)
        {
            foreach (var rewrite in Rewrites)
            {
                rewrite(request, response);
            }
        }

        return response;
    }

    private void Record(HttpRequestMessage request, string? body, int status, string? responseBody)
    {
        lock (_requests)
        {
            _requests.Add(new RecordedRequest(request.Method.Method, request.RequestUri!.PathAndQuery, body, status, responseBody));
        }
    }

    /// <summary>Answers the first <paramref name="times"/> requests that <paramref name="applies"/> to with the named
    /// transient fault (see <see cref="Transient"/>); returns how many it has faulted so far.</summary>
    public Func<int> FailFirst(int times, Func<HttpRequestMessage, bool> applies, string fault, int? retryAfterSeconds = null)
    {
        int hits = 0;
        Faults.Add((req, _) =>
        {
            if (!applies(req) || hits >= times)
            {
                return null;
            }

            hits++;
            return Transient(fault, retryAfterSeconds);
        });
        return () => hits;
    }

    /// <summary>One transient fault of the hardening plan by name: "500", "502", "503-retry-after",
    /// "429-retry-after", or "connection-dropped" (thrown, as SocketsHttpHandler does on a reset).</summary>
    public static HttpResponseMessage Transient(string fault, int? retryAfterSeconds = null) => fault switch
    {
        "500" => Status(HttpStatusCode.InternalServerError),
        "502" => Status(HttpStatusCode.BadGateway),
        "503-retry-after" => Status(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(retryAfterSeconds!.Value)),
        "429-retry-after" => Status(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(retryAfterSeconds!.Value)),
        "connection-dropped" => throw new HttpRequestException("the connection was reset", new IOException("Connection reset by peer")),
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "not a fault this handler knows"),
    };

    public static HttpResponseMessage Status(HttpStatusCode code, string body = "{\"message\":\"injected\"}", TimeSpan? retryAfter = null)
    {
        var r = new HttpResponseMessage(code) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (retryAfter is { } after)
        {
            r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(after);
        }

        return r;
    }
}
