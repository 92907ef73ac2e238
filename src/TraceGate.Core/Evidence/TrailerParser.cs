namespace TraceGate.Core.Evidence;

/// <summary>A line of a commit message that has a trailer's shape (<c>Key: value</c>) and where it stands.</summary>
public sealed record TrailerShapedLine(string Key, string Value, int Line, TrailerLinePlace Place);

public enum TrailerLinePlace
{
    /// <summary>In the first paragraph, which git never reads as trailers.</summary>
    Subject,

    /// <summary>In a paragraph that is not the last one.</summary>
    EarlierParagraph,

    /// <summary>In the last paragraph, which git rejected as a trailer block (prose mixed in).</summary>
    MixedLastParagraph,

    /// <summary>After a <c>---</c> divider or a scissors line: not part of the message.</summary>
    AfterDivider,
}

/// <summary>What git reads from one message, plus the lines that look like trailers but are not read as such.</summary>
public sealed record TrailerParseResult(
    IReadOnlyList<(string Key, string Value, int Line)> Trailers,
    IReadOnlyList<TrailerShapedLine> Ignored,
    int? FirstProseLineInLastParagraph);

/// <summary>
/// Commit message trailers exactly as <c>git interpret-trailers --parse</c> (git 2.39, default configuration)
/// reads them. Each step cites the function of git's <c>trailer.c</c> or <c>commit.c</c> it follows.
/// Works on .NET chars: git's ctype is ASCII-only, so a non-ASCII char behaves like git's bytes >= 0x80
/// (not alphanumeric, not space).
/// </summary>
public static class TrailerParser
{
    private const char CommentChar = '#';
    private const string CutLine = "------------------------ >8 ------------------------\n";
    private static readonly string[] GitGeneratedPrefixes = ["Signed-off-by: ", "(cherry picked from commit "];

    public static TrailerParseResult Parse(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buf = message;
        int patchStart = FindPatchStart(buf);
        int trailerEnd = patchStart - IgnoreNonTrailer(buf, patchStart);
        int titleEnd = FindTitleEnd(buf, trailerEnd);
        int trailerStart = FindTrailerStart(buf, trailerEnd, titleEnd);

        var trailers = new List<(string, string, int)>();
        var strings = new Interned();
        // trailer_info_get: split the block into lines, folding continuation lines into the trailer before them.
        // Items are ranges of buf: a continuation line directly follows its trailer, so folding extends the range
        // (copying the text once per continuation line made a long folded trailer quadratic).
        var items = new List<(int Start, int End, int Line)>();
        bool lastIsTrailer = false;
        int lineNumber = LineNumberAt(buf, trailerStart);
        for (int s = trailerStart; s < trailerEnd; s = NextLine(buf, s), lineNumber++)
        {
            int end = Math.Min(NextLine(buf, s), trailerEnd);
            if (lastIsTrailer && end > s && IsSpace(buf[s]))
            {
                items[^1] = items[^1] with { End = end };
                continue;
            }

            items.Add((s, end, lineNumber));
            lastIsTrailer = FindSeparator(buf.AsSpan(s, end - s)) >= 1;
        }

        // process_input_file with --only-trailers --unfold: comments and non-trailers are dropped.
        foreach (var (start, end, line) in items)
        {
            if (buf[start] == CommentChar)
            {
                continue;
            }

            var text = buf.AsSpan(start, end - start);
            int sep = FindSeparator(text);
            if (sep < 1)
            {
                continue;
            }

            trailers.Add((strings.Of(Trim(text[..sep])), Value(Trim(text[(sep + 1)..]), strings), line));
        }

        var ignored = new List<TrailerShapedLine>();
        int? firstProse = null;
        int lastParagraphStart = LastParagraphStart(buf, trailerEnd, titleEnd);
        // Line numbers are counted as the loop goes: recounting from the start for every line was quadratic.
        lineNumber = 1;
        for (int s = 0; s < buf.Length; s = NextLine(buf, s), lineNumber++)
        {
            if (s >= trailerStart && s < trailerEnd)
            {
                continue;
            }

            int end = NextLine(buf, s);
            var line = buf.AsSpan(s, end - s);
            int sep = FindSeparator(line);
            bool shaped = sep >= 1 && !IsSpace(line[0]) && line[0] != CommentChar;
            if (!shaped)
            {
                if (trailerStart == trailerEnd && s >= lastParagraphStart && s < trailerEnd && firstProse is null
                    && !IsBlankLine(buf, s) && line[0] != CommentChar && !IsSpace(line[0]))
                {
                    firstProse = lineNumber;
                }

                continue;
            }

            TrailerLinePlace place = s >= trailerEnd ? TrailerLinePlace.AfterDivider
                : s < titleEnd ? TrailerLinePlace.Subject
                : s >= lastParagraphStart ? TrailerLinePlace.MixedLastParagraph
                : TrailerLinePlace.EarlierParagraph;
            ignored.Add(new TrailerShapedLine(strings.Of(Trim(line[..sep])), Value(Trim(line[(sep + 1)..]), strings), lineNumber, place));
        }

        return new TrailerParseResult(trailers, ignored, firstProse);
    }

    // trailer.c find_patch_start: a line starting with "---" followed by whitespace ends the message.
    private static int FindPatchStart(string buf)
    {
        int s = 0;
        for (; s < buf.Length; s = NextLine(buf, s))
        {
            if (string.CompareOrdinal(buf, s, "---", 0, 3) == 0 && s + 3 < buf.Length && IsSpace(buf[s + 3]))
            {
                return s;
            }
        }

        return s;
    }

    // commit.c ignore_non_trailer: trailing comment lines, blank lines and an old "Conflicts:" block are not part of
    // the trailer block; wt_status_locate_end: nothing after a scissors line counts.
    private static int IgnoreNonTrailer(string buf, int len)
    {
        int boc = 0, bol = 0;
        bool inOldConflictsBlock = false;
        int cutoff = LocateEnd(buf, len);
        while (bol < cutoff)
        {
            int nl = buf.IndexOf('\n', bol, len - bol);
            int next = nl < 0 ? len : nl + 1;
            if (buf[bol] == CommentChar || buf[bol] == '\n')
            {
                if (boc == 0)
                {
                    boc = bol;
                }
            }
            else if (string.CompareOrdinal(buf, bol, "Conflicts:\n", 0, 11) == 0)
            {
                inOldConflictsBlock = true;
                if (boc == 0)
                {
                    boc = bol;
                }
            }
            else if (inOldConflictsBlock && buf[bol] == '\t')
            {
                // a pathname in the conflicts block
            }
            else if (boc != 0)
            {
                boc = 0;
                inOldConflictsBlock = false;
            }

            bol = next;
        }

        return boc != 0 ? len - boc : len - cutoff;
    }

    private static int LocateEnd(string buf, int len)
    {
        string pattern = "\n" + CommentChar + " " + CutLine;
        if (buf.StartsWith(pattern[1..], StringComparison.Ordinal))
        {
            return 0;
        }

        int p = buf.IndexOf(pattern, StringComparison.Ordinal);
        return p >= 0 ? Math.Min(p + 1, len) : len;
    }

    // trailer.c find_trailer_start, first loop: the first paragraph is the title and cannot be trailers.
    private static int FindTitleEnd(string buf, int len)
    {
        int s = 0;
        for (; s < len; s = NextLine(buf, s))
        {
            if (buf[s] == CommentChar)
            {
                continue;
            }

            if (IsBlankLine(buf, s))
            {
                break;
            }
        }

        return s;
    }

    // trailer.c find_trailer_start: from the end, find a blank line before a run of non-blank lines that
    // (i) are all trailers, or (ii) hold a git-generated trailer and are at least 25% trailers.
    private static int FindTrailerStart(string buf, int len, int endOfTitle)
    {
        bool onlySpaces = true;
        bool recognizedPrefix = false;
        int trailerLines = 0, nonTrailerLines = 0, possibleContinuationLines = 0;
        for (int l = LastLine(buf, len); l >= endOfTitle; l = LastLine(buf, l))
        {
            if (buf[l] == CommentChar)
            {
                nonTrailerLines += possibleContinuationLines;
                possibleContinuationLines = 0;
                continue;
            }

            if (IsBlankLine(buf, l))
            {
                if (onlySpaces)
                {
                    continue;
                }

                nonTrailerLines += possibleContinuationLines;
                if (recognizedPrefix && trailerLines * 3 >= nonTrailerLines)
                {
                    return NextLine(buf, l);
                }

                if (trailerLines > 0 && nonTrailerLines == 0)
                {
                    return NextLine(buf, l);
                }

                return len;
            }

            onlySpaces = false;
            if (GitGeneratedPrefixes.Any(p => string.CompareOrdinal(buf, l, p, 0, p.Length) == 0))
            {
                trailerLines++;
                possibleContinuationLines = 0;
                recognizedPrefix = true;
                continue;
            }

            int sep = FindSeparator(buf, l);
            if (sep >= 1 && !IsSpace(buf[l]))
            {
                trailerLines++;
                possibleContinuationLines = 0;
            }
            else if (IsSpace(buf[l]))
            {
                possibleContinuationLines++;
            }
            else
            {
                nonTrailerLines++;
                nonTrailerLines += possibleContinuationLines;
                possibleContinuationLines = 0;
            }
        }

        return len;
    }

    /// <summary>The start of the last paragraph before <paramref name="len"/>, for warnings only.</summary>
    private static int LastParagraphStart(string buf, int len, int endOfTitle)
    {
        bool seenText = false;
        for (int l = LastLine(buf, len); l >= 0 && l >= endOfTitle; l = LastLine(buf, l))
        {
            if (IsBlankLine(buf, l))
            {
                if (seenText)
                {
                    return NextLine(buf, l);
                }

                continue;
            }

            seenText = true;
        }

        return endOfTitle;
    }

    // trailer.c find_separator: letters, digits and '-' up to the separator, whitespace allowed before it.
    // Returns the separator's offset from the line start, or -1.
    internal static int FindSeparator(string s, int start) => FindSeparator(s.AsSpan(start));

    private static int FindSeparator(ReadOnlySpan<char> s)
    {
        const int start = 0;
        bool whitespaceFound = false;
        for (int c = start; c < s.Length; c++)
        {
            char ch = s[c];
            if (ch == ':')
            {
                return c - start;
            }

            if (!whitespaceFound && (IsAlnum(ch) || ch == '-'))
            {
                continue;
            }

            if (c != start && (ch == ' ' || ch == '\t'))
            {
                whitespaceFound = true;
                continue;
            }

            break;
        }

        return -1;
    }

    // trailer.c unfold_value: a newline and the whitespace after it collapse to one space.
    private static string Unfold(string val)
    {
        if (!val.Contains('\n', StringComparison.Ordinal))
        {
            return val;
        }

        var sb = new System.Text.StringBuilder(val.Length);
        for (int i = 0; i < val.Length;)
        {
            char c = val[i++];
            if (c == '\n')
            {
                while (i < val.Length && IsSpace(val[i]))
                {
                    i++;
                }

                sb.Append(' ');
            }
            else
            {
                sb.Append(c);
            }
        }

        return Trim(sb.ToString());
    }

    // git's sane ctype: isspace is exactly \t \n \r and space; isalnum is ASCII only.
    internal static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r';

    private static bool IsAlnum(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9';

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> s)
    {
        int a = 0, b = s.Length;
        while (a < b && IsSpace(s[a]))
        {
            a++;
        }

        while (b > a && IsSpace(s[b - 1]))
        {
            b--;
        }

        return s[a..b];
    }

    /// <summary>A trailer's value, unfolded; one string per distinct value (see <see cref="Interned"/>).</summary>
    private static string Value(ReadOnlySpan<char> value, Interned strings) =>
        value.Contains('\n') ? Unfold(new string(value)) : strings.Of(value);

    /// <summary>
    /// One string per distinct key or value of a message, up to a bound: a block of trailers repeats its keys (and
    /// often its values), and 16 MiB of trailer lines made two strings per line (a peak of 523 MiB). Looked up by the
    /// characters, so a repeated text allocates nothing.
    /// </summary>
    private sealed class Interned
    {
        private const int Max = 4096;
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

        public string Of(ReadOnlySpan<char> text)
        {
            var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(text, out var known))
            {
                return known;
            }

            string made = new(text);
            if (_strings.Count < Max)
            {
                _strings[made] = made;
            }

            return made;
        }
    }

    private static string Trim(string s)
    {
        var trimmed = Trim(s.AsSpan());
        return trimmed.Length == s.Length ? s : new string(trimmed);
    }

    // strbuf.c is_blank_line: only whitespace up to the newline or the end.
    private static bool IsBlankLine(string buf, int s)
    {
        while (s < buf.Length && buf[s] != '\n' && IsSpace(buf[s]))
        {
            s++;
        }

        return s >= buf.Length || buf[s] == '\n';
    }

    private static int NextLine(string buf, int s)
    {
        int nl = buf.IndexOf('\n', s);
        return nl < 0 ? buf.Length : nl + 1;
    }

    // trailer.c last_line: the start of the last line in buf[0..len); -1 when len is 0.
    private static int LastLine(string buf, int len)
    {
        if (len == 0)
        {
            return -1;
        }

        if (len == 1)
        {
            return 0;
        }

        for (int i = len - 2; i >= 0; i--)
        {
            if (buf[i] == '\n')
            {
                return i + 1;
            }
        }

        return 0;
    }

    /// <summary>The 1-based line of <paramref name="offset"/>: call once per message, not once per line.</summary>
    private static int LineNumberAt(string buf, int offset) => buf.AsSpan(0, Math.Min(offset, buf.Length)).Count('\n') + 1;
}
