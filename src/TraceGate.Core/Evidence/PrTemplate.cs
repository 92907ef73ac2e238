namespace TraceGate.Core.Evidence;

/// <summary>A PR template from the checkout: its path as shown to the user and its text.</summary>
public sealed record PrTemplate(string Path, string Text);

/// <summary>
/// What the checkout's PR templates say for each field (instructions, example bullets, prompts, choice lists):
/// a value that is only that text was never filled in. Read with the same parser and labels as the PR
/// description, so the template's text for a field is found in the same unit (a line, a list item, a paragraph).
/// </summary>
public sealed class TemplateText
{
    private readonly Dictionary<string, Dictionary<string, string>> _byField = new(StringComparer.Ordinal);

    public static readonly TemplateText None = new();

    /// <param name="fieldOf">The field a normalised label names, or null.</param>
    public static TemplateText From(IReadOnlyList<PrTemplate> templates, Func<string, string?> fieldOf)
    {
        var result = new TemplateText();
        foreach (var template in templates)
        {
            var body = PrBodyParser.Parse(template.Text, label => fieldOf(label) is not null);
            foreach (var value in body.Values)
            {
                if (fieldOf(PrBodyParser.NormalizeLabel(value.Label)) is not { } field)
                {
                    continue;
                }

                if (!result._byField.TryGetValue(field, out var parts))
                {
                    result._byField[field] = parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }

                foreach (var part in value.Parts)
                {
                    parts.TryAdd(Key(part), template.Path);
                }
            }
        }

        return result;
    }

    /// <summary>The template that holds this text for the field, or null when the text is the writer's own.</summary>
    public string? Source(string field, string part) =>
        _byField.TryGetValue(field, out var parts) && parts.TryGetValue(Key(part), out var path) ? path : null;

    public bool IsEmpty => _byField.Count == 0;

    private static string Key(string part) => string.Join(' ', part.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
