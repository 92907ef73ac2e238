using System.Text;
using Markdig;
using Markdig.Syntax;
using TraceGate.Core.Model;

namespace TraceGate.Core.Evidence;

/// <summary>How a label carried its value.</summary>
public enum LabelForm
{
    /// <summary><c>Label: value</c> on one line (plain, bold or in a list item).</summary>
    Inline,

    /// <summary>A label alone on its line (<c>**Root cause**</c>, <c>Rollback:</c>) with the value on the lines or
    /// blocks below it, or in its nested list.</summary>
    Below,

    /// <summary>A heading that names the field; its whole section is the value.</summary>
    Heading,

    /// <summary>A row of a two-column table.</summary>
    TableRow,
}

/// <summary>A labelled value found in the PR description, before labels are mapped to fields.</summary>
/// <param name="Line">The line of the value (its first part), or of the label when there is no value.</param>
public sealed record LabeledValue(string Label, string Value, int Line)
{
    public string? Url { get; init; }
    public bool OnlyComment { get; init; }
    public string? Section { get; init; }

    /// <summary>The value's pieces as written (the text after the label, each paragraph line, list item or code
    /// block below it): the unit in which a template's own text is recognised.</summary>
    public IReadOnlyList<string> Parts { get; init; } = [];

    public LabelForm Form { get; init; }

    /// <summary>The line of the label itself.</summary>
    public int LabelLine { get; init; }

    /// <summary>Labels found inside this value's section (a heading that groups labelled lines).</summary>
    public int NestedLabels { get; init; }

    /// <summary>Checklist items found where the value was read (a section that is only a checklist).</summary>
    public int TaskItems { get; init; }
}

/// <param name="Error">Why the description could not be read at all (nesting past Markdig's depth limit).</param>
public sealed record PrBody(IReadOnlyList<LabeledValue> Values, IReadOnlyList<ChecklistItem> Checklist, string? Error = null);

/// <summary>
/// Reads a PR description with Markdig and finds labelled values wherever templates put them: <c>Label: value</c>
/// lines and list items, bold labels with the value on the same line, on the lines below or in a nested list,
/// two-column tables, and headings that name a field, whose whole section (up to the next heading of the same or a
/// higher level) is the value. Malformed Markdown is data: Markdig never throws on it.
/// </summary>
public static class PrBodyParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UsePreciseSourceLocation()
        .Build();

    /// <param name="isLabel">Says whether a normalised label names a field.</param>
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

        var walker = new PrBodyWalker(isLabel);
        walker.Walk(doc);
        walker.Finish();
        return new PrBody(walker.Values.OrderBy(v => v.LabelLine).ToList(), walker.Checklist);
    }

    /// <summary>Lowercase, single spaces, no trailing colon, and without the decoration templates put before a
    /// label: emoji, bullets and numbering (<c>## 🚨 7) Rollback Plan</c> is <c>rollback plan</c>).</summary>
    public static string NormalizeLabel(string label)
    {
        var sb = new StringBuilder(label.Length);
        bool space = false;
        foreach (char c in StripDecoration(label.Trim().TrimEnd(':').Trim()))
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

    /// <summary>The label as written, without the decoration before it and the colon after it.</summary>
    public static string Undecorated(string label) => StripDecoration(label.Trim().TrimEnd(':').Trim()).Trim();

    private static string StripDecoration(string label)
    {
        int i = 0;
        while (i < label.Length)
        {
            char c = label[i];
            if (char.IsLetter(c))
            {
                break;
            }

            if (char.IsAsciiDigit(c))
            {
                // "7) Risk" and "2. Fix" are numbering; "5 Whys" is a label that starts with a digit.
                int j = i;
                while (j < label.Length && char.IsAsciiDigit(label[j]))
                {
                    j++;
                }

                if (j < label.Length && (label[j] == ')' || label[j] == '.') && j + 1 < label.Length && char.IsWhiteSpace(label[j + 1]))
                {
                    i = j + 1;
                    continue;
                }

                break;
            }

            i++;
        }

        // A label that is nothing but decoration keeps its text, so that it still has a name.
        return i < label.Length ? label[i..] : label;
    }

    /// <summary>The value of a label read from several parts: the parts in order, a separator where the writer put
    /// none.</summary>
    public static string Join(IEnumerable<string> parts)
    {
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            if (sb.Length > 0)
            {
                sb.Append(".!?;:,".Contains(sb[^1], StringComparison.Ordinal) ? " " : "; ");
            }

            sb.Append(part);
        }

        return sb.ToString();
    }
}
