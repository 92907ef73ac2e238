using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.PolicyFile;

/// <summary>
/// Turns policy text into one YAML tree, or one error with its line, without letting YamlDotNet overflow the stack or
/// throw: anchors, aliases and deep nesting are refused before the tree is built, and each exception YamlDotNet is
/// known to throw on malformed input (found by fuzzing) becomes <c>invalid YAML: ...</c> at the line it concerns.
/// </summary>
public static class YamlSafety
{
    /// <summary>The document's root node (null for an empty document), or <paramref name="refused"/> when the text
    /// cannot be read. A second document is an error in <paramref name="reader"/>, after which the first is read on.</summary>
    public static YamlNode? Read(string text, NodeReader reader, out PolicyError? refused)
    {
        string path = reader.Path;
        refused = null;
        var parser = new Parser(new StringReader(text));
        try
        {
            if (Unsupported(text) is { } unsupported)
            {
                refused = new PolicyError(path, unsupported.Line, unsupported.Message);
                return null;
            }

            var stream = new YamlStream();
            stream.Load(parser);
            if (stream.Documents.Count > 1)
            {
                reader.Error(stream.Documents[1].RootNode, "expected one YAML document, found several");
            }

            return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            refused = new PolicyError(path, (int)Math.Max(1, e.Start.Line), "invalid YAML: " + Reason(e));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet (16 to 18) throws this instead of a YamlException on some unclosed flow collections.
            refused = new PolicyError(path, LastReadableLine(text),
                "invalid YAML: the document ends inside an unclosed '{' or '[' (or a quote) that starts at or before this line");
        }
        catch (ArgumentException e)
        {
            // YamlDotNet 18 throws this for a tag that is not a URI or an event it cannot place in the tree (found by
            // fuzzing); the parser's last event says where the document stopped making sense.
            refused = new PolicyError(path, (int)Math.Max(1, parser.Current?.Start.Line ?? 1),
                "invalid YAML: " + e.Message.Split(" (Parameter", 2)[0]);
        }

        return null;
    }

    /// <summary>Deepest nesting of mappings and sequences a policy may use (it needs four).</summary>
    private const int MaxYamlDepth = 32;

    /// <summary>
    /// What the policy format never needs and YamlDotNet cannot take safely, found by fuzzing: an alias that refers to
    /// its own node (<c>&amp;a [*a]</c>) sends YamlDotNet's hashing of mapping keys into endless recursion, and deep
    /// nesting recurses in its loader; both end in a stack overflow, which no catch can stop. A first pass over the
    /// parser's events refuses anchors, aliases and deep nesting before the tree is built.
    /// </summary>
    private static (int Line, string Message)? Unsupported(string text)
    {
        var events = new Parser(new StringReader(text));
        int depth = 0;
        while (events.MoveNext())
        {
            int line = (int)Math.Max(1, events.Current!.Start.Line);
            switch (events.Current)
            {
                case YamlDotNet.Core.Events.AnchorAlias:
                    return (line, "YAML aliases (*name) are not supported in a policy: write the value out");
                case YamlDotNet.Core.Events.NodeEvent { Anchor.IsEmpty: false }:
                    return (line, "YAML anchors (&name) are not supported in a policy: write the value out");
                case YamlDotNet.Core.Events.SequenceStart or YamlDotNet.Core.Events.MappingStart when ++depth > MaxYamlDepth:
                    return (line, $"the YAML is nested deeper than {MaxYamlDepth} levels");
                case YamlDotNet.Core.Events.SequenceEnd or YamlDotNet.Core.Events.MappingEnd:
                    depth--;
                    break;
            }
        }

        return null;
    }

    private static int LastReadableLine(string text)
    {
        long line = 1;
        var scanner = new Scanner(new StringReader(text));
        try
        {
            // Bounded: on some malformed input (found by fuzzing) YamlDotNet's scanner keeps returning tokens without
            // consuming text. Every real token consumes at least one character, give or take the implicit ones.
            for (long tokens = 0; tokens < (4L * text.Length) + 64 && scanner.MoveNext(); tokens++)
            {
                line = scanner.Current?.Start.Line ?? line;
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            // The last token read is where the structure stopped making sense. (ArgumentException: a lone surrogate
            // in an escape, which YamlDotNet's scanner hands to char.ConvertToUtf32; found by fuzzing.)
        }

        return (int)Math.Max(1, line);
    }

    private static string Reason(YamlException e)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the line is already ours.
        var message = e.Message;
        int i = message.LastIndexOf("): ", StringComparison.Ordinal);
        return i >= 0 ? message[(i + 3)..] : message;
    }
}
