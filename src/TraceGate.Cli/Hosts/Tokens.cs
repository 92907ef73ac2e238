namespace TraceGate.Cli.Hosts;

/// <summary>Tokens are never printed: every platform passes API error text through here before it is shown.</summary>
public static class Tokens
{
    /// <summary>Removes the token from any text before it is printed.</summary>
    public static string Scrub(string text, string token) =>
        token.Length >= 4 ? text.Replace(token, "***", StringComparison.Ordinal) : text;
}
