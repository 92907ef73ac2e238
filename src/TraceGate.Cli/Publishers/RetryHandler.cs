using System.Net;

namespace TraceGate.Cli.Publishers;

/// <summary>
/// Retries what is worth retrying: 5xx, 429, a 403 that is a secondary rate limit (it carries retry-after or
/// x-ratelimit-remaining: 0), timeouts and dropped connections. Exponential backoff, or the server's retry-after
/// (capped). Each attempt has its own timeout, so a hanging server costs a bounded time.
/// </summary>
public sealed class RetryHandler(HttpMessageHandler inner, RetryPolicy policy, Action<string>? log = null) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var contentHeaders = request.Content?.Headers.ToList();
        for (int attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(policy.AttemptTimeout);
            var clone = Clone(request, body, contentHeaders);
            HttpResponseMessage? response = null;
            string reason;
            try
            {
                response = await base.SendAsync(clone, timeout.Token).ConfigureAwait(false);
                if (!Retryable(response, out reason))
                {
                    return response;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                reason = $"no answer within {policy.AttemptTimeout.TotalSeconds:0} s";
            }
            catch (HttpRequestException e)
            {
                reason = "connection failed: " + e.Message;
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

    private static bool Retryable(HttpResponseMessage response, out string reason)
    {
        int code = (int)response.StatusCode;
        reason = $"HTTP {code}";
        if (code >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.Forbidden
            && (response.Headers.RetryAfter is not null
                || (response.Headers.TryGetValues("x-ratelimit-remaining", out var remaining) && remaining.FirstOrDefault() == "0")))
        {
            reason = "HTTP 403, rate limited";
            return true;
        }

        return false;
    }

    private TimeSpan Delay(HttpResponseMessage? response, int attempt)
    {
        if (response?.Headers.RetryAfter is { } retryAfter)
        {
            var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.Zero);
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > policy.MaxRetryAfter ? policy.MaxRetryAfter : wait;
        }

        return TimeSpan.FromTicks(policy.BaseDelay.Ticks * (1L << (attempt - 1)));
    }

    private static HttpRequestMessage Clone(HttpRequestMessage request, byte[]? body, List<KeyValuePair<string, IEnumerable<string>>>? contentHeaders)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version };
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

/// <summary>How hard to try. <see cref="Sleep"/> is injectable so fault tests do not wait in real time.</summary>
public sealed record RetryPolicy
{
    public int MaxAttempts { get; init; } = 4;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public Func<TimeSpan, CancellationToken, Task> Sleep { get; init; } = Task.Delay;
}
