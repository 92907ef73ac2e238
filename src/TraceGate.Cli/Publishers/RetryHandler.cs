using System.Net;

namespace TraceGate.Cli.Publishers;

/// <summary>
/// Retries what is worth retrying: 5xx, 429, a 403 that is a secondary rate limit (it carries retry-after or
/// x-ratelimit-remaining: 0), timeouts and dropped connections. Exponential backoff, or the server's retry-after
/// (capped). Each attempt has its own timeout, so a hanging server costs a bounded time.
/// A POST is never resent blindly: a 5xx, a timeout or a dropped connection may come after the server created the
/// object, and a second POST would create a second one. Such a POST comes back to the caller at once, which looks
/// for what the first attempt may have made before trying again (<see cref="CreateOnce"/>). Only a refusal the
/// server states (429, a secondary rate limit) or a connection that was never made is retried here, and a POST the
/// caller marks <see cref="ResendBlindly"/> (one whose repetition changes nothing a reader sees). A request of another
/// method whose body is <see cref="AppendingContent"/> is treated like a POST: its repetition adds again what the
/// first one added (GitHub appends the annotations of every check-run PATCH).
/// </summary>
public sealed class RetryHandler(HttpMessageHandler inner, RetryPolicy policy, Action<string>? log = null) : DelegatingHandler(inner)
{
    /// <summary>Set on a POST whose repetition is harmless (an Azure DevOps PR status: see AzureDevOpsPublisher).</summary>
    public static readonly HttpRequestOptionsKey<bool> ResendBlindly = new("TraceGate.ResendBlindly");

    public RetryPolicy Policy => policy;

    public Action<string>? Log => log;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        bool mayResend = (request.Method != HttpMethod.Post && request.Content is not AppendingContent)
            || (request.Options.TryGetValue(ResendBlindly, out bool blind) && blind);
        byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var contentHeaders = request.Content?.Headers.ToList();
        for (int attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(policy.AttemptTimeout);
            var clone = Clone(request, body, contentHeaders);
            HttpResponseMessage? response = null;
            string reason;
            bool refused;
            try
            {
                response = await base.SendAsync(clone, timeout.Token).ConfigureAwait(false);
                if (!Retryable(response, out reason, out refused))
                {
                    return response;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                reason = $"no answer within {policy.AttemptTimeout.TotalSeconds:0} s";
                refused = false;
            }
            catch (HttpRequestException e)
            {
                reason = "connection failed: " + e.Message;
                // Connection refused: the request never reached the server.
                refused = e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };
            }

            if (!mayResend && !refused)
            {
                // The server may have acted on it: the caller decides, after looking.
                if (response is not null)
                {
                    return response;
                }

                throw new HttpRequestException($"{request.Method} {request.RequestUri?.AbsolutePath}: {reason} (not resent: the server may have acted on it)");
            }

            if (attempt >= policy.MaxAttempts)
            {
                if (response is not null)
                {
                    return response;
                }

                throw new HttpRequestException($"{request.Method} {request.RequestUri?.AbsolutePath}: {reason}, after {attempt} attempts");
            }

            var delay = Delay(response, attempt);
            log?.Invoke($"{request.Method} {request.RequestUri?.AbsolutePath}: {reason}; retry {attempt} of {policy.MaxAttempts - 1} in {delay.TotalSeconds:0.#} s");
            response?.Dispose();
            await policy.Sleep(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <param name="refused">The server said it did not act (429, a rate limit), so even a POST may be resent.</param>
    private static bool Retryable(HttpResponseMessage response, out string reason, out bool refused)
    {
        int code = (int)response.StatusCode;
        reason = $"HTTP {code}";
        refused = response.StatusCode == HttpStatusCode.TooManyRequests;
        if (code >= 500 || refused)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.Forbidden
            && (response.Headers.RetryAfter is not null
                || (response.Headers.TryGetValues("x-ratelimit-remaining", out var remaining) && remaining.FirstOrDefault() == "0")))
        {
            reason = "HTTP 403, rate limited";
            refused = true;
            return true;
        }

        return false;
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1 when the server named none.</summary>
    public static TimeSpan Backoff(RetryPolicy policy, int attempt) => TimeSpan.FromTicks(policy.BaseDelay.Ticks * (1L << (attempt - 1)));

    private TimeSpan Delay(HttpResponseMessage? response, int attempt)
    {
        if (response?.Headers.RetryAfter is { } retryAfter)
        {
            var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.Zero);
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > policy.MaxRetryAfter ? policy.MaxRetryAfter : wait;
        }

        return Backoff(policy, attempt);
    }

    private static HttpRequestMessage Clone(HttpRequestMessage request, byte[]? body, List<KeyValuePair<string, IEnumerable<string>>>? contentHeaders)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)clone.Options)[option.Key] = option.Value;
        }

        foreach (var header in request.Headers)
        {
            clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            clone.Content = new ByteArrayContent(body);
            foreach (var header in contentHeaders ?? [])
            {
                clone.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return clone;
    }
}

/// <summary>
/// A JSON body whose every delivery adds to what the server holds, such as a check-run PATCH with annotations. The
/// type is the mark (Octokit hands an <see cref="HttpContent"/> body to the handler as it is, with no way to set
/// request options): <see cref="RetryHandler"/> never resends it blindly, and the caller checks what arrived first.
/// </summary>
public sealed class AppendingContent(string json) : StringContent(json, System.Text.Encoding.UTF8, "application/json");

/// <summary>How hard to try. <see cref="Sleep"/> is injectable so fault tests do not wait in real time.</summary>
public sealed record RetryPolicy
{
    public int MaxAttempts { get; init; } = 4;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public Func<TimeSpan, CancellationToken, Task> Sleep { get; init; } = Task.Delay;
}
