using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.TaskLists;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using TraceGate.Core.Model;

namespace TraceGate.Core.Evidence;

/// <summary>A <c>Label: value</c> found in the PR description, before labels are mapped to fields.</summary>
public sealed record LabeledValue(string Label, string Value, int Line)
{
    public string? Url { get; init; }
    public bool OnlyComment { get; init; }
    public string? Section { get; init; }
}

/// <param name="Error">Why the description could not be read at all (nesting past Markdig's depth limit).</param>
public sealed record PrBody(IReadOnlyList<LabeledValue> Values, IReadOnlyList<ChecklistItem> Checklist, string? Error = null);

/// <summary>
/// Reads a PR description with Markdig and finds labelled values wherever templates put them:
/// <c>Label: value</c> lines and list items, bold labels, two-column tables, and headings that name a field
/// followed by the value. Malformed Markdown is data: Markdig never throws on it.
/// </summary>
public static class PrBodyParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UsePreciseSourceLocation()
        .Build();

    /// <summary>Labels are at most this long: a longer text before a colon is prose, not a label.</summary>
    private const int MaxLabelLength = 60;

    /// <param name="isLabel">Says whether a normalised label names a field, so that a heading such as
    /// <c>## Rollback</c> can carry the value in the paragraph below it.</param>
    public static PrBody Parse(string markdown, Func<string, bool> isLabel)
    {
        MarkdownDocument doc;
        try
        {
            doc = Markdown.Parse(markdown, Pipeline);
        }
        catch (ArgumentException e) when (e.Message.Contains("depth limit", StringComparison.Ordinal))
        {
            // Markdig's guard against nesting bombs throws; to us that is a finding about the input.
            return new PrBody([], [], "the Markdown is nested too deeply to read (quotes, lists or tables past Markdig's depth limit)");
        }

        var values = new List<LabeledValue>();
        var checklist = new List<ChecklistItem>();
        string? section = null;
        (string Label, int Line)? pendingHeading = null;

        foreach (var block in doc.Descendants())
        {
            switch (block)
            {
                case HeadingBlock heading:
                    FlushPendingHeading();
                    var headingLines = LineText.From(heading.Inline, heading.Line);
                    var headingText = headingLines.Count > 0 ? headingLines[0] : null;
                    section = headingText?.Text.Trim();
                    if (section is not null && isLabel(NormalizeLabel(section)))
                    {
                        pendingHeading = (section, heading.Line + 1);
                    }

                    break;
                case Table table:
                    ReadTable(table, section, values);
                    break;
                case ParagraphBlock paragraph when !IsInside<Table>(paragraph):
                    bool found = ReadParagraph(paragraph, section, values, checklist, isLabel);
                    if (pendingHeading is { } h)
                    {
                        if (!found)
                        {
                            var lines = LineText.From(paragraph.Inline, paragraph.Line);
                            var text = string.Join(" ", lines.Select(l => l.Text.Trim()).Where(t => t.Length > 0));
                            values.Add(new LabeledValue(h.Label, text, paragraph.Line + 1)
                            {
                                Url = lines.SelectMany(l => l.Links).Select(l => l.Url).FirstOrDefault(),
                                OnlyComment = text.Length == 0 && lines.Any(l => l.HadComment),
                                Section = section,
                            });
                        }

                        pendingHeading = null;
                    }

                    break;
                case HtmlBlock html when pendingHeading is { } h2 && html.Lines.ToString().TrimStart().StartsWith("<!--", StringComparison.Ordinal):
                    // The heading's only content so far is the template's comment: remember it, keep waiting.
                    pendingHeading = h2;
                    break;
            }
        }

        FlushPendingHeading();
        return new PrBody(values, checklist);

        void FlushPendingHeading()
        {
            if (pendingHeading is { } h)
            {
                values.Add(new LabeledValue(h.Label, "", h.Line) { Section = section, OnlyComment = true });
                pendingHeading = null;
            }
        }
    }

    public static string NormalizeLabel(string label)
    {
        var sb = new StringBuilder(label.Length);
        bool space = false;
        foreach (char c in label.Trim().TrimEnd(':').Trim())
        {
            if (char.IsWhiteSpace(c) || c == '_')
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    private static bool ReadParagraph(ParagraphBlock paragraph, string? section, List<LabeledValue> values,
        List<ChecklistItem> checklist, Func<string, bool> isLabel)
    {
        bool found = false;
        foreach (var line in LineText.From(paragraph.Inline, paragraph.Line))
        {
            if (line.TaskChecked is { } isChecked)
            {
                checklist.Add(new ChecklistItem(line.Text.Trim(), isChecked, line.Line + 1));
                continue;
            }

            int colon = line.Text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon > MaxLabelLength)
            {
                continue;
            }

            string label = line.Text[..colon].Trim();
            if (!isLabel(NormalizeLabel(label)))
            {
                continue;
            }

            string value = line.Text[(colon + 1)..].Trim();
            found = true;
            values.Add(new LabeledValue(label, value, line.Line + 1)
            {
                Url = line.Links.FirstOrDefault(l => l.Start > colon).Url,
                OnlyComment = value.Length == 0 && line.HadComment,
                Section = section,
            });
        }

        return found;
    }

    private static void ReadTable(Table table, string? section, List<LabeledValue> values)
    {
        foreach (var row in table.OfType<TableRow>())
        {
            // The header row names the columns ("Field | Value"), it is not evidence.
            if (row.IsHeader || row.Count < 2)
            {
                continue;
            }

            var label = CellText(row[0]);
            var value = CellText(row[1]);
            if (label is null || value is null)
            {
                continue;
            }

            values.Add(new LabeledValue(label.Text.Trim().TrimEnd(':').Trim(), value.Text.Trim(), row.Line + 1)
            {
                Url = value.Links.Select(l => l.Url).FirstOrDefault(),
                OnlyComment = value.Text.Trim().Length == 0 && value.HadComment,
                Section = section,
            });
        }
    }

    private static LineText? CellText(Block cell)
    {
        var paragraph = (cell as ContainerBlock)?.OfType<ParagraphBlock>().FirstOrDefault();
        if (paragraph is null)
        {
            return new LineText("", cell.Line, [], false, null);
        }

        var lines = LineText.From(paragraph.Inline, paragraph.Line);
        return lines.Count == 0 ? null : lines[0];
    }

    private static bool IsInside<T>(Block block)
        where T : Block
    {
        for (var parent = block.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is T)
            {
                return true;
            }
        }

        return false;
    }

    internal readonly record struct Link(int Start, string Url);

    /// <summary>One source line of a paragraph as plain text: emphasis markers gone, link text kept,
    /// code spans kept, HTML comments dropped, link targets remembered by their offset in the text.</summary>
    internal sealed record LineText(string Text, int Line, IReadOnlyList<Link> Links, bool HadComment, bool? TaskChecked)
    {
        public static IReadOnlyList<LineText> From(ContainerInline? inlines, int firstLine)
        {
            var result = new List<LineText>();
            if (inlines is null)
            {
                return result;
            }

            var builder = new Builder(firstLine);
            foreach (var inline in inlines)
            {
                if (inline is LineBreakInline)
                {
                    result.Add(builder.Build());
                    builder = new Builder(inline.Line + 1);
                    continue;
                }

                builder.Append(inline, 0);
            }

            result.Add(builder.Build());
            return result;
        }

        private sealed class Builder(int line)
        {
            private const int MaxDepth = 32;
            private readonly StringBuilder _text = new();
            private readonly List<Link> _links = [];
            private bool _hadComment;
            private bool? _task;

            public LineText Build() => new(_text.ToString(), line, _links, _hadComment, _task);

            public void Append(Inline inline, int depth)
            {
                // Markdig bounds nesting itself; this guards the walk against pathological inputs all the same.
                if (depth > MaxDepth)
                {
                    return;
                }

                switch (inline)
                {
                    case TaskList task when _text.Length == 0 && _task is null:
                        _task = task.Checked;
                        break;
                    case LiteralInline literal:
                        _text.Append(literal.Content.AsSpan());
                        break;
                    case CodeInline code:
                        _text.Append(code.Content);
                        break;
                    case HtmlEntityInline entity:
                        _text.Append(entity.Transcoded.AsSpan());
                        break;
                    case AutolinkInline autolink:
                        _links.Add(new Link(_text.Length, autolink.Url));
                        _text.Append(autolink.Url);
                        break;
                    case HtmlInline html when html.Tag.StartsWith("<!--", StringComparison.Ordinal):
                        _hadComment = true;
                        break;
                    case HtmlInline html:
                        // Raw HTML such as "<incident id>" stays as text: it is a template placeholder, and the
                        // renderers escape it.
                        _text.Append(html.Tag);
                        break;
                    case LinkInline link:
                        if (!link.IsImage && link.Url is { Length: > 0 } url)
                        {
                            _links.Add(new Link(_text.Length, url));
                        }

                        AppendChildren(link, depth);
                        break;
                    case LineBreakInline:
                        _text.Append(' ');
                        break;
                    case ContainerInline container:
                        AppendChildren(container, depth);
                        break;
                }
            }

            private void AppendChildren(ContainerInline container, int depth)
            {
                foreach (var child in container)
                {
                    Append(child, depth + 1);
                }
            }
        }
    }
}
