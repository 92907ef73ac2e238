using System.Text;
using Markdig.Extensions.TaskLists;
using Markdig.Syntax.Inlines;

namespace TraceGate.Core.Evidence;

internal readonly record struct Link(int Start, string Url);

/// <summary>One source line of a paragraph as plain text: emphasis markers gone, link text kept, code spans kept,
/// HTML comments dropped, link targets remembered by their offset in the text. <see cref="Emphasized"/> says the
/// line's words were all inside emphasis (<c>**Root cause**</c>, <c>*Ticket:*</c>): the shape of a label written on
/// its own line, with the value below it.</summary>
internal sealed record LineText(string Text, int Line, IReadOnlyList<Link> Links, bool HadComment, bool? TaskChecked)
{
    public bool Emphasized { get; init; }

    /// <summary>The length of the text of an emphasis the line starts with (<c>**Which issue this PR fixes**
    /// *(hint)*: fixes #</c>), or 0.</summary>
    public int LeadingEmphasis { get; init; }

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

            builder.Top(inline);
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
        private bool _sawEmphasis;
        private bool _textOutsideEmphasis;

        private int _leadingEmphasis = -1;

        public LineText Build() => new(_text.ToString(), line, _links, _hadComment, _task)
        {
            Emphasized = _sawEmphasis && !_textOutsideEmphasis,
            LeadingEmphasis = Math.Max(0, _leadingEmphasis),
        };

        /// <summary>A top-level inline of the line: tracks whether anything but emphasis, a colon and spaces is there.</summary>
        public void Top(Inline inline)
        {
            bool first = _text.Length == 0 && _leadingEmphasis < 0;
            Append(inline, 0);
            if (first && _text.Length > 0)
            {
                _leadingEmphasis = inline is EmphasisInline ? _text.Length : 0;
            }

            switch (inline)
            {
                case EmphasisInline:
                    _sawEmphasis = true;
                    break;
                case LiteralInline literal when literal.Content.ToString().All(c => char.IsWhiteSpace(c) || c == ':'):
                    break;
                case TaskList:
                    break;
                case HtmlInline html when html.Tag.StartsWith("<!--", StringComparison.Ordinal):
                    break;
                default:
                    _textOutsideEmphasis = true;
                    break;
            }
        }

        private void Append(Inline inline, int depth)
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
