using System.Text;

namespace TraceGate.Core.Rendering;

/// <summary>
/// Makes text from the PR, the commits or the traces safe to print or post. It always becomes one line (so it can
/// never start a line and so never a <c>::command::</c>), loses control and bidirectional-override characters
/// (shown as <c>\u202e</c>), and has Azure's <c>##vso[</c> and <c>##[</c> broken up, since the agent looks for
/// them anywhere in a line. Markdown output additionally escapes HTML, Markdown syntax and @mentions.
/// </summary>
public static class Untrusted
{
    public const int DefaultMaxLength = 300;
    private const char ZeroWidthSpace = '\u200B';

    /// <summary>One inert line of plain text for the console and logs.</summary>
    public static string Line(string? text, int maxLength = DefaultMaxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(Math.Min(text.Length, maxLength) + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            if (sb.Length >= maxLength)
            {
                sb.Append('…');
                break;
            }

            int v = rune.Value;
            if (v is '\r' or '\n' or '\t' or '\u2028' or '\u2029' or '\u0085')
            {
                sb.Append(' ');
            }
            else if (IsBidiControl(v) || (Rune.IsControl(rune) && v != ' '))
            {
                sb.Append(v <= 0xFFFF ? $"\\u{v:x4}" : $"\\U{v:x8}");
            }
            else
            {
                sb.Append(rune.ToString());
            }
        }

        return DefuseCommands(sb.ToString());
    }

    /// <summary>One inert line of Markdown text: no HTML, no Markdown syntax, no mention that pings.</summary>
    public static string Markdown(string? text, int maxLength = DefaultMaxLength)
    {
        var line = Line(text, maxLength);
        var sb = new StringBuilder(line.Length + 16);
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            switch (c)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '@':
                    sb.Append('@').Append(ZeroWidthSpace);
                    break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' or '~' or '!' or '(' or ')' or '{' or '}' or '$' or ':':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Inline code for Markdown. Backticks inside become a visible replacement so the span cannot end early.</summary>
    public static string Code(string? text, int maxLength = DefaultMaxLength)
    {
        var line = Line(text, maxLength).Replace('`', 'ˋ').Replace("@", "@" + ZeroWidthSpace, StringComparison.Ordinal);
        return line.Length == 0 ? "" : "`" + line + "`";
    }

    /// <summary>
    /// Text inside a Mermaid diagram (a name in a gantt, a chart's quoted title): only ASCII letters, digits, space and
    /// <c>_ . / -</c> are kept and anything else becomes <c>_</c>, so nothing can end the line or the code block
    /// (<c>```</c>), close a quoted title (<c>"</c>), start a directive or comment (<c>%%</c>), an HTML tag, an entity
    /// (<c>#quot;</c>) or a click's call. Trimmed; empty when nothing is left. Callers that put it where a keyword
    /// could be read (the start of a gantt line) prefix it.
    /// </summary>
    public static string Mermaid(string? text, int maxLength)
    {
        var sb = new StringBuilder(Math.Min(text?.Length ?? 0, maxLength));
        foreach (char c in text ?? "")
        {
            if (sb.Length >= maxLength)
            {
                break;
            }

            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-' or ' ' ? c : '_');
        }

        return sb.ToString().Trim();
    }

    /// <summary>
    /// A link target taken from untrusted text, or null when it must not be linked. Only absolute http and https URLs
    /// without user info (<c>https://github.com@evil.example</c>) qualify; <c>javascript:</c>, <c>data:</c> and relative
    /// links do not. Every character that a Markdown link or table, a mention or Azure's command scanner could read
    /// is percent-encoded, which leaves what the URL points at unchanged.
    /// </summary>
    public static string? LinkTarget(string? url)
    {
        if (url is null || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.UserInfo.Length > 0)
        {
            return null;
        }

        var sb = new StringBuilder(uri.AbsoluteUri.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in uri.AbsoluteUri.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || SafeInLink.Contains((char)rune.Value)))
            {
                sb.Append((char)rune.Value);
                continue;
            }

            int n = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..n])
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>URL punctuation with no meaning to Markdown, tables, mentions or logging commands.</summary>
    private const string SafeInLink = "-._~:/?#&=+,;%$";

    /// <summary>Breaks up Azure Pipelines logging commands; GitHub's need a line start, which one line never gives.</summary>
    public static string DefuseCommands(string text) => text
        .Replace("##vso[", "##" + ZeroWidthSpace + "vso[", StringComparison.OrdinalIgnoreCase)
        .Replace("##[", "#" + ZeroWidthSpace + "#[", StringComparison.Ordinal);

    private static bool IsBidiControl(int v) => v is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069 or 0x200E or 0x200F or 0x061C;
}
