using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

public enum Combinator
{
    /// <summary>A space: the span is a descendant of a span matching the step before.</summary>
    Descendant,

    /// <summary><c>&gt;</c>: the span's parent matches the step before.</summary>
    Child,
}

/// <summary><c>key="value"</c> or <c>key!="value"</c>. Keys: <c>name</c>, <c>kind</c>, <c>status</c>, or an
/// attribute (span attributes first, then resource attributes such as <c>service.name</c>).</summary>
public sealed record SelectorCondition(string Key, bool Negate, string Value)
{
    // Classified once: this runs for every span and every rule.
    private readonly int _field = Key switch { "name" => 1, "kind" => 2, "status" => 3, _ => 0 };
    private readonly SpanKind _kind = Enum.TryParse<SpanKind>(Value, ignoreCase: true, out var k) ? k : (SpanKind)(-1);
    private readonly StatusCode _status = Enum.TryParse<StatusCode>(Value, ignoreCase: true, out var st) ? st : (StatusCode)(-1);

    public bool Matches(SpanData span)
    {
        bool equal = _field switch
        {
            1 => string.Equals(span.Name, Value, StringComparison.Ordinal),
            2 => span.Kind == _kind,
            3 => span.Status == _status,
            _ => span.Lookup(Key) is { } v && string.Equals(v.ToString(), Value, StringComparison.Ordinal),
        };
        return Negate ? !equal : equal;
    }
}

public sealed record SelectorStep(Combinator Combinator, IReadOnlyList<SelectorCondition> Conditions)
{
    // An array, not the interface: this runs for every span and rule, and an interface foreach allocates.
    private readonly SelectorCondition[] _conditions = [.. Conditions];

    public bool Matches(SpanData span)
    {
        foreach (var c in _conditions)
        {
            if (!c.Matches(span))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A span selector in the spirit of Tracetest's: <c>span[name="apply"]</c>,
/// <c>span[service.name="transfer-svc" name="apply"]</c>, <c>span[name="a"] span[name="b"]</c> (descendant),
/// <c>span[name="a"] &gt; span[name="b"]</c> (child).</summary>
public sealed record Selector(string Text, IReadOnlyList<SelectorStep> Steps)
{
    public bool IsSimple => Steps.Count == 1;

    public IEnumerable<string> Keys => Steps.SelectMany(s => s.Conditions).Select(c => c.Key).Where(k => k is not ("name" or "kind" or "status"));

    public override string ToString() => Text;
}

public static class SelectorParser
{
    /// <summary>Steps one selector may have. Resolving is linear in spans × steps, and the rule engine numbers at
    /// most 64 ancestor steps across all selectors; no real trace shape needs more than a handful.</summary>
    public const int MaxSteps = 16;

    private static readonly string[] Kinds = ["internal", "server", "client", "producer", "consumer", "unspecified"];
    private static readonly string[] Statuses = ["ok", "error", "unset"];

    /// <summary>Parses a selector; on failure returns null and says what was expected at which column.</summary>
    public static Selector? Parse(string text, out string? error)
    {
        error = null;
        var steps = new List<SelectorStep>();
        int i = 0;
        var combinator = Combinator.Descendant;
        int overLimitAt = -1;
        SkipSpaces(text, ref i);
        while (i < text.Length)
        {
            if (steps.Count == MaxSteps)
            {
                overLimitAt = i;
            }

            if (string.CompareOrdinal(text, i, "span", 0, 4) != 0)
            {
                error = Fail(text, i, "'span'");
                return null;
            }

            i += 4;
            var conditions = new List<SelectorCondition>();
            if (i < text.Length && text[i] == '[')
            {
                i++;
                while (true)
                {
                    SkipSpaces(text, ref i);
                    if (i < text.Length && text[i] == ']')
                    {
                        i++;
                        break;
                    }

                    if (i >= text.Length)
                    {
                        error = Fail(text, i, "']' to close 'span['");
                        return null;
                    }

                    var condition = ParseCondition(text, ref i, out error);
                    if (condition is null)
                    {
                        return null;
                    }

                    conditions.Add(condition);
                }
            }

            steps.Add(new SelectorStep(combinator, conditions));
            bool spaced = SkipSpaces(text, ref i);
            if (i >= text.Length)
            {
                break;
            }

            if (text[i] == '>')
            {
                i++;
                SkipSpaces(text, ref i);
                combinator = Combinator.Child;
            }
            else if (spaced)
            {
                combinator = Combinator.Descendant;
            }
            else
            {
                error = Fail(text, i, "a space, '>' or the end of the selector");
                return null;
            }
        }

        if (steps.Count == 0)
        {
            error = "the selector is empty: expected span[...]";
            return null;
        }

        if (text.TrimEnd().EndsWith('>'))
        {
            error = Fail(text, text.Length, "a span after '>'");
            return null;
        }

        if (overLimitAt >= 0)
        {
            error = $"selector '{text}': {steps.Count} steps, at most {MaxSteps} (column {overLimitAt + 1} starts the {MaxSteps + 1}th)";
            return null;
        }

        return new Selector(text.Trim(), steps);
    }

    private static SelectorCondition? ParseCondition(string text, ref int i, out string? error)
    {
        error = null;
        int start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_' or '-' or '/'))
        {
            i++;
        }

        if (i == start)
        {
            error = Fail(text, i, "an attribute name, 'name', 'kind' or 'status', or ']'");
            return null;
        }

        string key = text[start..i];
        SkipSpaces(text, ref i);
        bool negate = false;
        if (i + 1 < text.Length && text[i] == '!' && text[i + 1] == '=')
        {
            negate = true;
            i += 2;
        }
        else if (i < text.Length && text[i] == '=')
        {
            i++;
        }
        else
        {
            error = Fail(text, i, $"'=' or '!=' after '{key}'");
            return null;
        }

        SkipSpaces(text, ref i);
        string value;
        if (i < text.Length && text[i] is '"' or '\'')
        {
            char quote = text[i++];
            int close = text.IndexOf(quote, i);
            if (close < 0)
            {
                error = Fail(text, text.Length, $"a closing {quote}");
                return null;
            }

            value = text[i..close];
            i = close + 1;
        }
        else
        {
            int vs = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != ']')
            {
                i++;
            }

            if (i == vs)
            {
                error = Fail(text, i, $"a value for '{key}'");
                return null;
            }

            value = text[vs..i];
        }

        if (key == "kind" && !Kinds.Contains(value.ToLowerInvariant()))
        {
            error = $"kind={value}: expected one of {string.Join(", ", Kinds)}";
            return null;
        }

        if (key == "status" && !Statuses.Contains(value.ToLowerInvariant()))
        {
            error = $"status={value}: expected one of {string.Join(", ", Statuses)}";
            return null;
        }

        return new SelectorCondition(key, negate, value);
    }

    private static bool SkipSpaces(string text, ref int i)
    {
        int start = i;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i > start;
    }

    private static string Fail(string text, int at, string expected) =>
        $"selector '{text}': expected {expected} at column {at + 1}";
}
