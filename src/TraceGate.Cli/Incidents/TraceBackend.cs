namespace TraceGate.Cli.Incidents;

public enum TraceBackendKind
{
    Jaeger,
    Tempo,
}

/// <summary>
/// A trace backend the CI configuration names (<c>--trace-backend jaeger=URL</c>, the action and task input
/// <c>trace-backend</c>), never the policy: the policy is in the PR's own checkout, and a PR must not be able to send
/// the backend's token to a server of its choosing.
/// </summary>
public sealed record TraceBackend(TraceBackendKind Kind, Uri BaseUrl)
{
    public string KindName => Kind == TraceBackendKind.Jaeger ? "jaeger" : "tempo";

    /// <summary>For messages: the kind and the URL without query or user info (there is none: both are refused).</summary>
    public override string ToString() => $"{KindName} at {BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}";

    /// <summary>Reads <c>jaeger=URL</c> or <c>tempo=URL</c>; <paramref name="option"/> names where the text came
    /// from in the error.</summary>
    public static TraceBackend Parse(string text, string option)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new UserInputException($"{option} '{text}': expected jaeger=URL or tempo=URL (for example jaeger=http://localhost:16686)");
        }

        string kind = text[..eq].Trim();
        string url = text[(eq + 1)..].Trim();
        var k = kind.ToLowerInvariant() switch
        {
            "jaeger" => TraceBackendKind.Jaeger,
            "tempo" => TraceBackendKind.Tempo,
            _ => throw new UserInputException($"{option} '{text}': unknown backend kind '{kind}': expected jaeger or tempo"),
        };
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw new UserInputException($"{option} '{text}': '{url}' is not an http:// or https:// URL");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new UserInputException($"{option}: the URL must not carry a user name or password: give the token with --trace-backend-token-env NAME");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new UserInputException($"{option} '{text}': the URL must not have a query or fragment: give the backend's base URL (the API paths are added)");
        }

        return new TraceBackend(k, uri);
    }

    /// <summary>The URLs asked for a trace, in order. Jaeger: the api_v3 HTTP gateway first (OTLP, so nothing is lost
    /// in an export), then the UI's <c>/api/traces/{id}</c>, which every Jaeger has. Tempo: <c>/api/traces/{id}</c>.</summary>
    public IReadOnlyList<Uri> TraceUrls(string traceId)
    {
        string root = BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        string id = Uri.EscapeDataString(traceId);
        return Kind == TraceBackendKind.Jaeger
            ? [new Uri($"{root}/api/v3/traces/{id}"), new Uri($"{root}/api/traces/{id}")]
            : [new Uri($"{root}/api/traces/{id}")];
    }

    /// <summary>The token from the variable the CI configuration names; null when no variable is named.</summary>
    public static string? Token(IReadOnlyDictionary<string, string?> environment, string? variable, string option)
    {
        if (variable is null)
        {
            return null;
        }

        if (variable.Length == 0 || variable.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            throw new UserInputException($"{option} '{variable}': expected the name of an environment variable (letters, digits, _)");
        }

        return environment.TryGetValue(variable, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new UserInputException($"{option} {variable}: the variable is not set or empty");
    }
}
