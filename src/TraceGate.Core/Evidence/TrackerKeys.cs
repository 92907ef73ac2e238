using System.Text.RegularExpressions;

namespace TraceGate.Core.Evidence;

/// <summary>The key a tracker link stands for, and the link it came from.</summary>
public sealed record TrackerKey(string Key, string? Url);

/// <summary>
/// Turns a tracker link given as an incident into its key, so that the key is the value, the link is kept and the
/// field's pattern checks the key: Jira <c>…/browse/PAY-123</c> is <c>PAY-123</c>, Linear
/// <c>linear.app/team/issue/ENG-42/slug</c> is <c>ENG-42</c>, a GitHub issue or pull request URL is
/// <c>owner/repo#123</c>, an Azure Boards work item URL is <c>AB#123</c>, and GitHub's closing keywords
/// (<c>Fixes #123</c>, <c>Closes owner/repo#7</c>) give their reference, as does a key that starts a value
/// (<c>PAY-1234 – Fee guard fires late</c>).
/// </summary>
public static partial class TrackerKeys
{
    // Jira Cloud and Server put the key after /browse/ (https://support.atlassian.com/jira-software-cloud/docs/what-is-an-issue/).
    [GeneratedRegex(@"https?://[^\s/]+(?:/[^\s?#]*)?/browse/(?<key>[A-Z][A-Z0-9_]+-[0-9]+)(?![A-Za-z0-9-])", RegexOptions.CultureInvariant, 200)]
    private static partial Regex Jira();

    // https://linear.app/<workspace>/issue/<KEY-123>/<title-slug>
    [GeneratedRegex(@"https?://linear\.app/[^\s/]+/issue/(?<key>[A-Z][A-Z0-9]+-[0-9]+)(?![A-Za-z0-9-])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 200)]
    private static partial Regex Linear();

    // https://github.com/<owner>/<repo>/issues/<n> or /pull/<n>: GitHub writes such a reference as owner/repo#n.
    [GeneratedRegex(@"https?://github\.com/(?<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?<repo>[A-Za-z0-9._-]{1,100})/(?:issues|pull)/(?<num>[0-9]{1,10})(?![0-9])", RegexOptions.CultureInvariant, 200)]
    private static partial Regex GitHub();

    // https://dev.azure.com/<org>/<project>/_workitems/edit/<id> and the older https://<org>.visualstudio.com/...: AB#id.
    [GeneratedRegex(@"https?://(?:dev\.azure\.com/[^\s/]+|[^\s/]+\.visualstudio\.com)/[^\s/]+/_workitems/edit/(?<num>[0-9]{1,10})(?![0-9])", RegexOptions.CultureInvariant, 200)]
    private static partial Regex AzureBoards();

    // GitHub's closing keywords: https://docs.github.com/en/issues/tracking-your-work-with-issues/using-issues/linking-a-pull-request-to-an-issue
    [GeneratedRegex(@"^(?:(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+)?(?<key>(?:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)?#[0-9]{1,10}|AB#[0-9]{1,10})$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, 200)]
    private static partial Regex ClosingReference();

    // "PAY-1234 – Fee guard fires late": a template that asks for "[Jira-ID] – <title>" gets the key first.
    [GeneratedRegex(@"^\[?(?<key>[A-Z][A-Z0-9_]+-[0-9]+)\]?(?:\s*[-–—:|]\s*|\s+)\S", RegexOptions.CultureInvariant, 200)]
    private static partial Regex LeadingKey();

    /// <summary>The key in the value (or, failing that, in the link that carried it), or null when neither holds a
    /// tracker link. <paramref name="custom"/> is the policy's <c>key-pattern</c>, tried first.</summary>
    public static TrackerKey? Find(string value, string? url, bool builtIn, Regex? custom)
    {
        foreach (var text in new[] { value, url })
        {
            if (text is null)
            {
                continue;
            }

            if (custom is not null && Match(custom, text) is { } m)
            {
                string key = m.Groups["key"].Success ? m.Groups["key"].Value : m.Value;
                return new TrackerKey(key, LinkOf(text, m, url));
            }

            if (!builtIn)
            {
                continue;
            }

            if (Match(Jira(), text) is { } jira)
            {
                return new TrackerKey(jira.Groups["key"].Value, jira.Value);
            }

            if (Match(Linear(), text) is { } linear)
            {
                return new TrackerKey(linear.Groups["key"].Value.ToUpperInvariant(), linear.Value);
            }

            if (Match(GitHub(), text) is { } gh)
            {
                return new TrackerKey($"{gh.Groups["owner"].Value}/{gh.Groups["repo"].Value}#{gh.Groups["num"].Value}", gh.Value);
            }

            if (Match(AzureBoards(), text) is { } ab)
            {
                return new TrackerKey("AB#" + ab.Groups["num"].Value, ab.Value);
            }

            if (ReferenceEquals(text, value) && Match(ClosingReference(), text.Trim()) is { } closing)
            {
                return new TrackerKey(closing.Groups["key"].Value, url);
            }

            if (ReferenceEquals(text, value) && Match(LeadingKey(), text.Trim()) is { } leading)
            {
                return new TrackerKey(leading.Groups["key"].Value, url);
            }
        }

        return null;
    }

    private static string? LinkOf(string text, Match m, string? url) =>
        m.Value.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? m.Value
        : text.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !text.Contains(' ', StringComparison.Ordinal) ? text
        : url;

    private static Match? Match(Regex regex, string text)
    {
        try
        {
            var m = regex.Match(text);
            return m.Success ? m : null;
        }
        catch (RegexMatchTimeoutException)
        {
            // A policy's key-pattern that backtracks for ever finds nothing; the field's pattern then reports the value.
            return null;
        }
    }
}
