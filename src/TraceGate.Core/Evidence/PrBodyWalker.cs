using System.Text.RegularExpressions;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using TraceGate.Core.Model;

namespace TraceGate.Core.Evidence;

/// <summary>
/// Walks a parsed description in document order and gives every piece of text to the label it belongs to:
/// <list type="bullet">
/// <item>a <c>Label: value</c> line keeps its own value;</item>
/// <item>a label alone on its line (<c>**Root cause**</c>, <c>Rollback:</c>) takes the following lines of its
/// paragraph and the following blocks of the same container (the nested list of a list item; the next paragraphs
/// and lists at the top level) until another label or a heading;</item>
/// <item>a heading that names a field takes everything else in its section, up to the next heading of the same or a
/// higher level; text that belongs to a label inside the section stays with that label.</item>
/// </list>
/// </summary>
internal sealed partial class PrBodyWalker(Func<string, bool> isLabel)
{
    /// <summary>Labels are at most this long: a longer text before a colon is prose, not a label.</summary>
    private const int MaxLabelLength = 60;

    public List<LabeledValue> Values { get; } = [];

    public List<ChecklistItem> Checklist { get; } = [];

    private readonly List<Collector> _sections = [];
    private Collector? _pending;

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    /// <summary>An empty list item written inside a paragraph ("1." under a label: it cannot start a list there).</summary>
    [GeneratedRegex(@"^([0-9]{1,9}[.)]|[-*+])$")]
    private static partial Regex BareMarker();

    private sealed class Collector(string label, int labelLine, LabelForm form)
    {
        public string Label { get; } = label;
        public int LabelLine { get; } = labelLine;
        public LabelForm Form { get; } = form;
        public int Level { get; init; }
        public bool IsField { get; init; }
        public ContainerBlock? Scope { get; init; }
        public string? Section { get; init; }
        public List<(string Text, int Line, string? Url)> Parts { get; } = [];
        public bool HadComment { get; set; }
        public int Nested { get; set; }
        public int Tasks { get; set; }
    }

    public void Walk(ContainerBlock container)
    {
        foreach (var block in container)
        {
            switch (block)
            {
                case YamlFrontMatterBlock:
                    // The name/about header of a template in .github/PULL_REQUEST_TEMPLATE/ is not content.
                    break;
                case HeadingBlock heading:
                    OnHeading(heading);
                    break;
                case ParagraphBlock paragraph:
                    OnParagraph(paragraph, container);
                    break;
                case Table table:
                    OnTable(table);
                    break;
                case HtmlBlock html:
                    OnHtml(html);
                    break;
                case CodeBlock code:
                    // StringLineGroup.Lines is null for an empty block (found by the pr-body fuzz corpus): ToString copes.
                    AddPart(code.Lines.ToString().Trim(), code.Line + 1, null);
                    break;
                case ContainerBlock inner:
                    Walk(inner);
                    break;
            }
        }

        if (_pending is { } pending && pending.Scope == container)
        {
            FlushPending();
        }
    }

    public void Finish()
    {
        FlushPending();
        while (_sections.Count > 0)
        {
            CloseSection();
        }
    }

    private string? CurrentSection => _sections.Count > 0 ? _sections[^1].Label : null;

    private void OnHeading(HeadingBlock heading)
    {
        FlushPending();
        while (_sections.Count > 0 && _sections[^1].Level >= heading.Level)
        {
            CloseSection();
        }

        var lines = LineText.From(heading.Inline, heading.Line);
        string text = lines.Count > 0 ? lines[0].Text.Trim() : "";
        bool field = text.Length > 0 && isLabel(PrBodyParser.NormalizeLabel(text));
        if (field)
        {
            Innermost()?.Let(s => s.Nested++);
        }

        _sections.Add(new Collector(text, heading.Line + 1, LabelForm.Heading) { Level = heading.Level, IsField = field, Section = text });
    }

    private void OnParagraph(ParagraphBlock paragraph, ContainerBlock container)
    {
        foreach (var line in LineText.From(paragraph.Inline, paragraph.Line))
        {
            if (line.TaskChecked is { } isChecked)
            {
                Checklist.Add(new ChecklistItem(line.Text.Trim(), isChecked, line.Line + 1));
                Target()?.Let(t => t.Tasks++);
                continue;
            }

            string text = line.Text.Trim();
            if (text.Length == 0)
            {
                if (line.HadComment)
                {
                    Target()?.Let(t => t.HadComment = true);
                }

                continue;
            }

            if (SplitLabel(line) is { } split)
            {
                bool known = isLabel(PrBodyParser.NormalizeLabel(split.Label));
                if (known)
                {
                    FlushPending();
                    Innermost()?.Let(s => s.Nested++);
                    if (split.Value.Length > 0)
                    {
                        string? url = line.Links.FirstOrDefault(l => l.Start >= split.ValueStart).Url;
                        Values.Add(new LabeledValue(split.Label, split.Value, line.Line + 1)
                        {
                            Url = url,
                            Section = CurrentSection,
                            Parts = [split.Value],
                            Form = LabelForm.Inline,
                            LabelLine = line.Line + 1,
                        });
                    }
                    else
                    {
                        _pending = new Collector(split.Label, line.Line + 1, LabelForm.Below) { Scope = container, IsField = true, Section = CurrentSection, HadComment = line.HadComment };
                    }

                    continue;
                }

                if (split.Value.Length == 0)
                {
                    // A label the policy does not know, alone on its line ("**Blast radius:**"): structure, not content.
                    // It ends the value of a label above it.
                    if (line.Emphasized)
                    {
                        FlushPending();
                    }

                    continue;
                }
            }

            AddPart(text, line.Line + 1, line.Links.Count > 0 ? line.Links[0].Url : null);
        }
    }

    private void OnHtml(HtmlBlock html)
    {
        if (html.Type == HtmlBlockType.Comment)
        {
            Target()?.Let(t => t.HadComment = true);
            return;
        }

        // Raw HTML blocks (<br />, <details>) are layout; only text between the tags could be content.
        var text = Tag().Replace(html.Lines.ToString(), " ").Trim();
        if (text.Length > 0)
        {
            AddPart(string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), html.Line + 1, null);
        }
    }

    private void OnTable(Table table)
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

            string v = value.Text.Trim();
            Values.Add(new LabeledValue(label.Text.Trim().TrimEnd(':').Trim(), v, row.Line + 1)
            {
                Url = value.Links.Select(l => l.Url).FirstOrDefault(),
                OnlyComment = v.Length == 0 && value.HadComment,
                Section = CurrentSection,
                Parts = v.Length > 0 ? [v] : [],
                Form = LabelForm.TableRow,
                LabelLine = row.Line + 1,
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

    private readonly record struct Split(string Label, string Value, int ValueStart);

    /// <summary>The label of a line, if it has the shape of one: <c>Label: value</c> with a short label, or a line
    /// that is all emphasis (<c>**Root cause**</c>), whose value is below it.</summary>
    private static Split? SplitLabel(LineText line)
    {
        string text = line.Text;
        // A whole sentence in italics ("*Urgent production fix: what and why (1-2 sentences).*") is the template's
        // instruction, not a label.
        if (line.Emphasized && text.TrimEnd().EndsWith('.'))
        {
            return null;
        }

        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon <= MaxLabelLength)
        {
            string label = text[..colon].Trim();
            if (label.Length > 0)
            {
                return new Split(label, text[(colon + 1)..].Trim(), colon + 1);
            }
        }

        // "**Which issue this PR fixes** *(optional, in `fixes #<n>` format)*: fixes #": the bold text is the label,
        // the hint after it is the template's instruction, the value follows the colon.
        if (line.LeadingEmphasis is > 0 and <= MaxLabelLength && text.IndexOf(':', line.LeadingEmphasis) is int after and > 0)
        {
            string label = text[..line.LeadingEmphasis].Trim().TrimEnd(':').Trim();
            if (label.Length > 0)
            {
                return new Split(label, text[(after + 1)..].Trim(), after + 1);
            }
        }

        if (line.Emphasized && text.Trim().Length is > 0 and <= MaxLabelLength)
        {
            return new Split(text.Trim(), "", text.Length);
        }

        return null;
    }

    /// <summary>Where free text goes: the label waiting for its value, else the innermost heading section that
    /// names a field (a sub-heading that names none is part of its parent's section).</summary>
    private Collector? Target() => _pending ?? Innermost();

    private Collector? Innermost()
    {
        for (int i = _sections.Count - 1; i >= 0; i--)
        {
            if (_sections[i].IsField)
            {
                return _sections[i];
            }
        }

        return null;
    }

    private void AddPart(string text, int line, string? url)
    {
        if (text.Length > 0 && !BareMarker().IsMatch(text))
        {
            Target()?.Parts.Add((text, line, url));
        }
    }

    private void FlushPending()
    {
        if (_pending is { } p)
        {
            _pending = null;
            Emit(p);
        }
    }

    private void CloseSection()
    {
        var section = _sections[^1];
        _sections.RemoveAt(_sections.Count - 1);
        if (section.IsField)
        {
            Emit(section);
        }
    }

    private void Emit(Collector c)
    {
        var parts = c.Parts.Select(p => p.Text).ToList();
        Values.Add(new LabeledValue(c.Label, PrBodyParser.Join(parts), c.Parts.Count > 0 ? c.Parts[0].Line : c.LabelLine)
        {
            Url = c.Parts.Select(p => p.Url).FirstOrDefault(u => u is not null),
            OnlyComment = parts.Count == 0 && c.HadComment,
            Section = c.Section,
            Parts = parts,
            Form = c.Form,
            LabelLine = c.LabelLine,
            NestedLabels = c.Nested,
            TaskItems = c.Tasks,
        });
    }
}

internal static class CollectorExtensions
{
    public static void Let<T>(this T value, Action<T> action)
        where T : class => action(value);
}
