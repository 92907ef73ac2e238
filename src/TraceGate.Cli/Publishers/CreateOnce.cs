using System.Text.Json;

namespace TraceGate.Cli.Publishers;

/// <summary>
/// Creates an object with a POST at most once. POST is not idempotent: a 502, a timeout or a dropped connection can
/// come after the server created the check run (or the comment, or the thread), and a blind resend makes a second
/// one. So after such a failure, and after the usual backoff, this looks for what the first attempt may have made
/// (by name and commit, or by TraceGate's hidden marker) and uses it; only when there is none does it POST again.
/// The same look ends the last attempt, so a create that did succeed is never reported as a failure.
/// </summary>
public static class CreateOnce
{
    /// <param name="what">What is created, for the log ("check run 'TraceGate'").</param>
    /// <param name="ambiguous">Why a failure may have created the object ("HTTP 502"), or null when it certainly did
    /// not (a 4xx answer is the server's refusal: it is thrown as it is).</param>
    public static async Task<JsonElement> Run(RetryHandler? retry, string what, Func<Task<JsonElement>> create,
        Func<Task<JsonElement?>> findExisting, Func<Exception, string?> ambiguous)
    {
        var policy = retry?.Policy ?? new RetryPolicy { MaxAttempts = 1 };
        for (int attempt = 1; ; attempt++)
        {
            string reason;
            try
            {
                return await create().ConfigureAwait(false);
            }
            catch (Exception e) when (ambiguous(e) is { } why)
            {
                reason = why;
                if (attempt >= policy.MaxAttempts)
                {
                    if (await findExisting().ConfigureAwait(false) is { } made)
                    {
                        retry?.Log?.Invoke($"creating the {what}: {reason}, but the last attempt did create it");
                        return made;
                    }

                    throw;
                }
            }

            var delay = RetryHandler.Backoff(policy, attempt);
            retry?.Log?.Invoke($"creating the {what}: {reason}; retry {attempt} of {policy.MaxAttempts - 1} in {delay.TotalSeconds:0.#} s, unless the first attempt created it");
            await policy.Sleep(delay, CancellationToken.None).ConfigureAwait(false);
            if (await findExisting().ConfigureAwait(false) is { } existing)
            {
                retry?.Log?.Invoke($"creating the {what}: the failed attempt did create it; not sent again");
                return existing;
            }
        }
    }
}
