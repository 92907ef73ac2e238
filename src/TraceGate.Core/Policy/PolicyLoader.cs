using System.Text.RegularExpressions;
using YamlDotNet.Core;
using TraceGate.Core.Traces;
using YamlDotNet.RepresentationModel;
using TraceGate.Core.Rules;
using TraceGate.Core.Model;
using TraceGate.Core.PolicyFile;

namespace TraceGate.Core.Policy;

public sealed record PolicyLoadResult(GatePolicy? Policy, IReadOnlyList<PolicyError> Errors);

/// <summary>
/// Loads <c>.tracegate.yml</c>. Every error names the file, the line and the key path
/// (<c>.tracegate.yml:7: unknown key 'requred' in evidence.fields.incident</c>); a policy with errors is never
/// half-applied. Pure: the host reads the file and passes its text.
/// </summary>
public static partial class PolicyLoader
{
    private static readonly string[] TopKeys = ["version", "evidence", "tests", "traces", "proof"];
    private static readonly string[] TracesKeys = ["files", "baseline", "rules", "redaction", "min-samples"];
    private static readonly string[] RuleKeys = ["id", "select", "count", "attributes", "events-in-order", "forbid-events", "status", "duration", "baseline", "min-samples"];
    private static readonly string[] Stats = ["p50", "p90", "p95", "p99", "min", "max", "avg"];
    private static readonly string[] EvidenceKeys = ["sources", "checklist", "fields", "when", "skip-authors", "skip-labels"];
    private static readonly string[] FieldKeys = ["required", "aliases", "pattern", "key-pattern", "kind", "link", "must-agree", "description", "labels"];
    private static readonly string[] TestsKeys = ["results", "baseline", "flaky"];
    private static readonly string[] ProofKeys = ["tests"];

    public static PolicyLoadResult Load(string path, string text)
    {
        var ctx = new Context(path);
        YamlNode? root;
        var parser = new Parser(new StringReader(text));
        try
        {
            if (Unsupported(text) is { } refused)
            {
                return new PolicyLoadResult(null, [new PolicyError(path, refused.Line, refused.Message)]);
            }

            var stream = new YamlStream();
            stream.Load(parser);
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            if (stream.Documents.Count > 1)
            {
                ctx.Error(stream.Documents[1].RootNode, "expected one YAML document, found several");
            }
        }
        catch (YamlException e)
        {
            return new PolicyLoadResult(null, [new PolicyError(path, (int)Math.Max(1, e.Start.Line), "invalid YAML: " + Reason(e))]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet (16 to 18) throws this instead of a YamlException on some unclosed flow collections.
            return new PolicyLoadResult(null, [new PolicyError(path, LastReadableLine(text),
                "invalid YAML: the document ends inside an unclosed '{' or '[' (or a quote) that starts at or before this line")]);
        }
        catch (ArgumentException e)
        {
            // YamlDotNet 18 throws this for a tag that is not a URI or an event it cannot place in the tree (found by
            // fuzzing); the parser's last event says where the document stopped making sense.
            return new PolicyLoadResult(null, [new PolicyError(path, (int)Math.Max(1, parser.Current?.Start.Line ?? 1),
                "invalid YAML: " + e.Message.Split(" (Parameter", 2)[0])]);
        }

        if (root is null || root is YamlScalarNode { Value: null or "" })
        {
            return new PolicyLoadResult(null, [new PolicyError(path, 1, "the policy is empty: expected a mapping with 'evidence' or 'tests'")]);
        }

        var defaults = PolicyDefaults.Create();
        var evidence = defaults.Evidence;
        var tests = defaults.Tests;
        var traces = TracesPolicy.None;
        var proof = ProofPolicy.None;
        if (ctx.Mapping(root, "the policy") is { } top)
        {
            ctx.CheckKeys(top, TopKeys, "");
            foreach (var (key, value) in top.Children)
            {
                switch (((YamlScalarNode)key).Value)
                {
                    case "version":
                        if (ctx.Scalar(value, "version") is { } v && v != "1")
                        {
                            ctx.Error(value, $"version {v} is not supported: expected 1");
                        }

                        break;
                    case "evidence":
                        evidence = LoadEvidence(ctx, value, evidence);
                        break;
                    case "tests":
                        tests = LoadTests(ctx, value);
                        break;
                    case "traces":
                        traces = LoadTraces(ctx, value, path);
                        break;
                    case "proof":
                        proof = LoadProof(ctx, value);
                        break;
                }
            }
        }

        return ctx.Errors.Count > 0
            ? new PolicyLoadResult(null, ctx.Errors)
            : new PolicyLoadResult(new GatePolicy(path, evidence, tests) { Traces = traces, Proof = proof }, []);
    }

    private static EvidencePolicy LoadEvidence(Context ctx, YamlNode node, EvidencePolicy defaults)
    {
        var map = ctx.Mapping(node, "evidence");
        if (map is null)
        {
            return defaults;
        }

        ctx.CheckKeys(map, EvidenceKeys, "evidence");
        var result = defaults;
        int sourcesLine = Line(map);
        foreach (var (key, value) in map.Children)
        {
            switch (((YamlScalarNode)key).Value)
            {
                case "sources":
                    var sources = new List<EvidenceSourceKind>();
                    foreach (var (item, itemNode) in ctx.StringList(value, "evidence.sources"))
                    {
                        switch (item)
                        {
                            case "pr-body": sources.Add(EvidenceSourceKind.PrBody); break;
                            case "commit-trailers": sources.Add(EvidenceSourceKind.CommitTrailers); break;
                            case "labels": sources.Add(EvidenceSourceKind.Labels); break;
                            default: ctx.Error(itemNode, $"unknown source '{item}' in evidence.sources: expected pr-body, commit-trailers or labels"); break;
                        }
                    }

                    result = result with { Sources = sources.Distinct().ToList() };
                    sourcesLine = Line(value);
                    break;
                case "checklist":
                    switch (ctx.Scalar(value, "evidence.checklist"))
                    {
                        case "all-checked": result = result with { Checklist = ChecklistMode.AllChecked }; break;
                        case "ignore": result = result with { Checklist = ChecklistMode.Ignore }; break;
                        case { } other: ctx.Error(value, $"evidence.checklist is '{other}': expected all-checked or ignore"); break;
                    }

                    break;
                case "fields":
                    result = result with { Fields = LoadFields(ctx, value) };
                    break;
                case "when":
                    result = result with { Scope = result.Scope with { When = LoadCondition(ctx, value, "evidence.when") } };
                    break;
                case "skip-authors":
                    result = result with { Scope = result.Scope with { SkipAuthors = LoadNames(ctx, value, "evidence.skip-authors") } };
                    break;
                case "skip-labels":
                    result = result with { Scope = result.Scope with { SkipLabels = LoadNames(ctx, value, "evidence.skip-labels") } };
                    break;
            }
        }

        CheckLabelSources(ctx, result, sourcesLine);
        return result;
    }

    private static List<FieldPolicy> LoadFields(Context ctx, YamlNode node)
    {
        var fields = new List<FieldPolicy>();
        var map = ctx.Mapping(node, "evidence.fields");
        if (map is null)
        {
            return fields;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            string name = ((YamlScalarNode)keyNode).Value ?? "";
            string where = "evidence.fields." + name;
            if (!PolicyIds.IsFieldName(name))
            {
                ctx.Error(keyNode, $"field name '{name}' in evidence.fields: expected lowercase letters, digits and '-', starting with a letter");
                continue;
            }

            var field = PolicyDefaults.Field(name, required: true) with { Line = Line(keyNode) };
            bool agreeSet = false;
            var body = value is YamlScalarNode { Value: null or "" } ? new YamlMappingNode() : ctx.Mapping(value, where);
            if (body is null)
            {
                continue;
            }

            ctx.CheckKeys(body, FieldKeys, where);
            foreach (var (k, v) in body.Children)
            {
                string key = ((YamlScalarNode)k).Value ?? "";
                switch (key)
                {
                    case "required":
                        if (v is YamlMappingNode)
                        {
                            // required: { when: ... }: required only on pull requests the condition picks out.
                            field = field with { Required = true, RequiredWhen = LoadRequiredWhen(ctx, v, where + ".required") };
                        }
                        else if (ctx.Bool(v, where + ".required") is { } required)
                        {
                            field = field with { Required = required };
                        }

                        break;
                    case "labels":
                        field = field with { Labels = LoadLabelPatterns(ctx, v, where + ".labels") };
                        break;
                    case "must-agree":
                        if (ctx.Bool(v, where + ".must-agree") is { } agree)
                        {
                            field = field with { MustAgree = agree };
                            agreeSet = true;
                        }

                        break;
                    case "aliases":
                        var aliases = ctx.StringList(v, where + ".aliases").Select(a => a.Value).Where(a => a.Trim().Length > 0);
                        // A known field's built-in labels come first; a new field's own labels come before its name,
                        // so that reports call it what the template calls it ("Summary of Change", not "summary-of-change").
                        field = field with
                        {
                            Aliases = (PolicyDefaults.KnownFields.ContainsKey(name) ? field.Aliases.Concat(aliases) : aliases.Concat(field.Aliases))
                                .Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                        };
                        break;
                    case "pattern":
                        if (v is YamlScalarNode { Value: "" })
                        {
                            // pattern: '' removes a known field's built-in pattern.
                            field = field with { Pattern = null };
                        }
                        else if (ctx.Scalar(v, where + ".pattern") is { } pattern)
                        {
                            try
                            {
                                field = field with { Pattern = new Regex(pattern, RegexOptions.CultureInvariant, PolicyDefaults.RegexTimeout) };
                            }
                            catch (ArgumentException e)
                            {
                                ctx.Error(v, $"{where}.pattern is not a valid regular expression: {e.Message}");
                            }
                        }

                        break;
                    case "key-pattern":
                        if (ctx.Scalar(v, where + ".key-pattern") is { } keyPattern)
                        {
                            try
                            {
                                field = field with { KeyPattern = new Regex(keyPattern, RegexOptions.CultureInvariant, PolicyDefaults.RegexTimeout) };
                            }
                            catch (ArgumentException e)
                            {
                                ctx.Error(v, $"{where}.key-pattern is not a valid regular expression: {e.Message}");
                            }
                        }

                        break;
                    case "kind":
                        switch (ctx.Scalar(v, where + ".kind"))
                        {
                            case "text": field = field with { Kind = FieldKind.Text }; break;
                            case "trace-id": field = field with { Kind = FieldKind.TraceId }; break;
                            case "test-ref": field = field with { Kind = FieldKind.TestRef }; break;
                            case { } other: ctx.Error(v, $"{where}.kind is '{other}': expected text, trace-id or test-ref"); break;
                        }

                        break;
                    case "link":
                        if (ctx.Scalar(v, where + ".link") is { } link)
                        {
                            if (!link.Contains("{value}", StringComparison.Ordinal)
                                || !(link.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
                            {
                                ctx.Error(v, $"{where}.link must be an http(s) URL containing {{value}}, e.g. 'https://tickets.example/browse/{{value}}'");
                            }
                            else
                            {
                                field = field with { Link = link };
                            }
                        }

                        break;
                    case "description":
                        ctx.Scalar(v, where + ".description");
                        break;
                }
            }

            if (!agreeSet)
            {
                field = field with { MustAgree = field.Kind != FieldKind.Text || field.Pattern is not null };
            }

            fields.Add(field);
        }

        return fields;
    }

    private static TestsPolicy LoadTests(Context ctx, YamlNode node)
    {
        var map = ctx.Mapping(node, "tests");
        if (map is null)
        {
            return new TestsPolicy([]);
        }

        ctx.CheckKeys(map, TestsKeys, "tests");
        var results = new List<string>();
        var baseline = new List<string>();
        var flaky = FlakyMode.Fail;
        foreach (var (k, v) in map.Children)
        {
            switch (((YamlScalarNode)k).Value)
            {
                case "results":
                    results.AddRange(Globs(ctx, v, "tests.results"));
                    break;
                case "baseline":
                    baseline.AddRange(Globs(ctx, v, "tests.baseline"));
                    break;
                case "flaky":
                    switch (ctx.Scalar(v, "tests.flaky"))
                    {
                        case "fail": flaky = FlakyMode.Fail; break;
                        case "warn": flaky = FlakyMode.Warn; break;
                        case "pass": flaky = FlakyMode.Pass; break;
                        case { } other: ctx.Error(v, $"tests.flaky is '{other}': expected fail, warn or pass"); break;
                    }

                    break;
            }
        }

        return new TestsPolicy(results) { Baseline = baseline, Flaky = flaky };
    }

    private static ProofPolicy LoadProof(Context ctx, YamlNode node)
    {
        var map = ctx.Mapping(node, "proof");
        if (map is null)
        {
            return ProofPolicy.None;
        }

        ctx.CheckKeys(map, ProofKeys, "proof");
        var tests = new List<string>();
        foreach (var (k, v) in map.Children)
        {
            if (((YamlScalarNode)k).Value == "tests")
            {
                tests.AddRange(Globs(ctx, v, "proof.tests"));
            }
        }

        return new ProofPolicy(tests);
    }

    private static List<string> Globs(Context ctx, YamlNode node, string key)
    {
        var globs = new List<string>();
        foreach (var (glob, globNode) in ctx.StringList(node, key))
        {
            if (GlobRules.Check(glob) is { } problem)
            {
                ctx.Error(globNode, $"{key} '{glob}': {problem}");
            }
            else
            {
                globs.Add(glob);
            }
        }

        return globs;
    }

    private static TracesPolicy LoadTraces(Context ctx, YamlNode node, string path)
    {
        var map = ctx.Mapping(node, "traces");
        if (map is null)
        {
            return TracesPolicy.None;
        }

        ctx.CheckKeys(map, TracesKeys, "traces");
        var files = new List<string>();
        var baseline = new List<string>();
        var rules = new List<TraceRule>();
        var forbid = new List<string>();
        int minSamples = 20;
        foreach (var (k, v) in map.Children)
        {
            switch (((YamlScalarNode)k).Value)
            {
                case "files" or "baseline":
                    string key = ((YamlScalarNode)k).Value!;
                    foreach (var (glob, globNode) in ctx.StringList(v, "traces." + key))
                    {
                        if (GlobRules.Check(glob) is { } problem)
                        {
                            ctx.Error(globNode, $"traces.{key} '{glob}': {problem}");
                        }
                        else
                        {
                            (key == "files" ? files : baseline).Add(glob);
                        }
                    }

                    break;
                case "min-samples":
                    minSamples = ctx.PositiveInt(v, "traces.min-samples") ?? minSamples;
                    break;
                case "redaction":
                    if (ctx.Mapping(v, "traces.redaction") is { } red)
                    {
                        ctx.CheckKeys(red, ["forbid"], "traces.redaction");
                        foreach (var (rk, rv) in red.Children)
                        {
                            foreach (var (kind, kindNode) in ctx.StringList(rv, "traces.redaction.forbid"))
                            {
                                if (Redaction.Known.Contains(kind))
                                {
                                    forbid.Add(kind);
                                }
                                else
                                {
                                    ctx.Error(kindNode, $"unknown detector '{kind}' in traces.redaction.forbid: expected {string.Join(", ", Redaction.Known)}");
                                }
                            }
                        }
                    }

                    break;
                case "rules":
                    if (v is not YamlSequenceNode seq)
                    {
                        ctx.Error(v, "traces.rules must be a list of rules (- select: ...)");
                        break;
                    }

                    int ancestorSteps = 0;
                    for (int i = 0; i < seq.Children.Count; i++)
                    {
                        if (LoadRule(ctx, seq.Children[i], i) is { } rule)
                        {
                            if (rules.Any(r => r.Id == rule.Id))
                            {
                                ctx.Error(seq.Children[i], $"traces.rules[{i}]: the id '{rule.Id}' is used by another rule");
                            }

                            // The rule engine keeps one bit per ancestor step and span (RuleEngine._stepBits).
                            int before = ancestorSteps;
                            ancestorSteps += rule.Selector.Steps.Count - 1;
                            if (before <= MaxAncestorSteps && ancestorSteps > MaxAncestorSteps)
                            {
                                var select = ((YamlMappingNode)seq.Children[i]).Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "select" }).Value;
                                ctx.Error(select ?? seq.Children[i], $"traces.rules[{i}].select: brings the ancestor steps of all selectors to {ancestorSteps}: "
                                    + $"at most {MaxAncestorSteps} together (every step but the last of each selector)");
                            }

                            rules.Add(rule);
                        }
                    }

                    break;
            }
        }

        return new TracesPolicy(files, baseline, rules) { RedactionForbid = forbid.Distinct().ToList(), MinSamples = minSamples, PolicyPath = path };
    }

    /// <summary>Ancestor steps (every step of a selector but its last) of all rules together.</summary>
    public const int MaxAncestorSteps = 64;

    private static TraceRule? LoadRule(Context ctx, YamlNode node, int index)
    {
        string where = $"traces.rules[{index}]";
        var map = ctx.Mapping(node, where);
        if (map is null)
        {
            return null;
        }

        ctx.CheckKeys(map, RuleKeys, where);
        string id = $"rules[{index}]";
        Selector? selector = null;
        var rule = new TraceRule(id, Line(node), new Selector("", []));
        bool hasSelect = false;
        foreach (var (k, v) in map.Children)
        {
            string key = ((YamlScalarNode)k).Value ?? "";
            string at = where + "." + key;
            switch (key)
            {
                case "id":
                    if (ctx.Scalar(v, at) is { } given)
                    {
                        if (PolicyIds.IsRuleId(given))
                        {
                            id = given;
                        }
                        else
                        {
                            ctx.Error(v, $"{at} '{given}': expected lowercase letters, digits, '.', '_' and '-'");
                        }
                    }

                    break;
                case "select":
                    hasSelect = true;
                    if (ctx.Scalar(v, at) is { } text)
                    {
                        selector = SelectorParser.Parse(text, out var error);
                        if (selector is null)
                        {
                            ctx.Error(v, $"{at}: {error}");
                        }
                    }

                    break;
                case "count":
                    if (ctx.Scalar(v, at) is { } count)
                    {
                        if (Quantities.Count(count, out var error) is { } c)
                        {
                            rule = rule with { Count = c };
                        }
                        else
                        {
                            ctx.Error(v, $"{at}: {error}");
                        }
                    }

                    break;
                case "attributes":
                    if (ctx.Mapping(v, at) is { } attrs)
                    {
                        var list = new List<AttributeCheck>();
                        foreach (var (ak, av) in attrs.Children)
                        {
                            string name = ((YamlScalarNode)ak).Value ?? "";
                            if (ctx.Scalar(av, at + "." + name) is { } cond)
                            {
                                if (MisspeltCheck(cond) is { } meant)
                                {
                                    string bare = cond.Trim();
                                    ctx.Error(av, $"{at}.{name}: '{bare}' is not a check: did you mean '{meant}'? "
                                        + $"To compare the attribute with the text '{bare}', write '== {bare}'");
                                }
                                else if (Quantities.Attribute(name, cond, out var error) is { } check)
                                {
                                    list.Add(check);
                                }
                                else
                                {
                                    ctx.Error(av, $"{at}.{name}: {error}");
                                }
                            }
                        }

                        rule = rule with { Attributes = list };
                    }

                    break;
                case "events-in-order":
                    rule = rule with { EventsInOrder = ctx.StringList(v, at).Select(e => e.Value).ToList() };
                    break;
                case "forbid-events":
                    rule = rule with { ForbidEvents = ctx.StringList(v, at).Select(e => e.Value).ToList() };
                    break;
                case "status":
                    switch (ctx.Scalar(v, at))
                    {
                        case "ok": rule = rule with { Status = Traces.StatusCode.Ok }; break;
                        case "error": rule = rule with { Status = Traces.StatusCode.Error }; break;
                        case { } other: ctx.Error(v, $"{at} is '{other}': expected ok (no span with status ERROR) or error (every span ERROR)"); break;
                    }

                    break;
                case "duration":
                    if (ctx.Mapping(v, at) is { } durations)
                    {
                        ctx.CheckKeys(durations, Stats, at);
                        var budgets = new List<DurationBudget>();
                        foreach (var (dk, dv) in durations.Children)
                        {
                            string stat = ((YamlScalarNode)dk).Value ?? "";
                            if (Stats.Contains(stat) && ctx.Scalar(dv, at + "." + stat) is { } limit)
                            {
                                if (Quantities.DurationLimit(limit, out var error) is { } c)
                                {
                                    budgets.Add(new DurationBudget(stat, c));
                                }
                                else
                                {
                                    ctx.Error(dv, $"{at}.{stat}: {error}");
                                }
                            }
                        }

                        rule = rule with { Duration = budgets };
                    }

                    break;
                case "baseline":
                    if (ctx.Mapping(v, at) is { } changes)
                    {
                        ctx.CheckKeys(changes, Stats, at);
                        var budgets = new List<BaselineBudget>();
                        foreach (var (bk, bv) in changes.Children)
                        {
                            string stat = ((YamlScalarNode)bk).Value ?? "";
                            if (Stats.Contains(stat) && ctx.Scalar(bv, at + "." + stat) is { } limit)
                            {
                                if (Quantities.ChangeLimit(stat, limit, out var error) is { } b)
                                {
                                    budgets.Add(b);
                                }
                                else
                                {
                                    ctx.Error(bv, $"{at}.{stat}: {error}");
                                }
                            }
                        }

                        rule = rule with { Baseline = budgets };
                    }

                    break;
                case "min-samples":
                    if (ctx.PositiveInt(v, at) is { } n)
                    {
                        rule = rule with { MinSamples = n };
                    }

                    break;
            }
        }

        if (!hasSelect)
        {
            ctx.Error(node, $"{where} has no 'select': expected a selector such as span[name=\"apply\"]");
            return null;
        }

        return selector is null ? null : rule with { Id = id, Selector = selector };
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

    private static int Line(YamlNode node) => (int)Math.Max(1, node.Start.Line);

    private static string Reason(YamlException e)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the line is already ours.
        var message = e.Message;
        int i = message.LastIndexOf("): ", StringComparison.Ordinal);
        return i >= 0 ? message[(i + 3)..] : message;
    }

    private sealed class Context(string path)
    {
        public List<PolicyError> Errors { get; } = [];

        public void Error(YamlNode node, string message) => Errors.Add(new PolicyError(path, Line(node), message));

        public void ErrorAt(int line, string message) => Errors.Add(new PolicyError(path, line, message));

        public YamlMappingNode? Mapping(YamlNode node, string where)
        {
            if (node is YamlMappingNode map)
            {
                foreach (var key in map.Children.Keys)
                {
                    if (key is not YamlScalarNode)
                    {
                        Error(key, $"a key in {where} is not a plain name");
                        return null;
                    }
                }

                return map;
            }

            Error(node, $"{where} must be a mapping (key: value lines), found {Describe(node)}");
            return null;
        }

        public string? Scalar(YamlNode node, string where)
        {
            if (node is YamlScalarNode scalar && scalar.Value is not null)
            {
                return scalar.Value;
            }

            Error(node, $"{where} must be a single value, found {Describe(node)}");
            return null;
        }

        public bool? Bool(YamlNode node, string where)
        {
            switch (Scalar(node, where))
            {
                case "true" or "True" or "TRUE" or "yes": return true;
                case "false" or "False" or "FALSE" or "no": return false;
                case null: return null;
                case { } other:
                    Error(node, $"{where} is '{other}': expected true or false");
                    return null;
            }
        }

        public int? PositiveInt(YamlNode node, string where)
        {
            if (Scalar(node, where) is not { } text)
            {
                return null;
            }

            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0)
            {
                return n;
            }

            Error(node, $"{where} is '{text}': expected a whole number above 0");
            return null;
        }

        public List<(string Value, YamlNode Node)> StringList(YamlNode node, string where)
        {
            var list = new List<(string, YamlNode)>();
            if (node is YamlScalarNode { Value: { } single })
            {
                list.Add((single, node));
                return list;
            }

            if (node is not YamlSequenceNode seq)
            {
                Error(node, $"{where} must be a list, found {Describe(node)}");
                return list;
            }

            foreach (var item in seq.Children)
            {
                if (Scalar(item, where + "[]") is { } s)
                {
                    list.Add((s, item));
                }
            }

            return list;
        }

        public void CheckKeys(YamlMappingNode map, string[] allowed, string where)
        {
            foreach (var key in map.Children.Keys.Cast<YamlScalarNode>())
            {
                var name = key.Value ?? "";
                if (allowed.Contains(name, StringComparer.Ordinal))
                {
                    continue;
                }

                string place = where.Length == 0 ? "at the top level" : "in " + where;
                string? guess = Suggest(name, allowed);
                Error(key, $"unknown key '{name}' {place}" + (guess is null
                    ? $": expected one of {string.Join(", ", allowed)}"
                    : $": did you mean '{guess}'?"));
            }
        }

        private static string Describe(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode { Value: null or "" } => "nothing",
            YamlScalarNode s => $"'{s.Value}'",
            _ => "something else",
        };
    }

    /// <summary>
    /// A bare attribute value within two edits of <c>exists</c> or <c>absent</c> (any case): <c>transfer.fee: exist</c>
    /// would otherwise silently compare the attribute with the text "exist". A value that really is such a word is
    /// written with an operator (<c>'== exist'</c>) or quoted (<c>'== "exist"'</c>), which this never flags.
    /// </summary>
    private static string? MisspeltCheck(string value)
    {
        string bare = value.Trim();
        if (bare is "exists" or "absent" || bare.Length == 0 || bare[0] is '=' or '!' or '<' or '>' or '"' or '\'')
        {
            return null;
        }

        return Suggest(bare, ["exists", "absent"], maxDistance: 2);
    }

    internal static string? Suggest(string name, IEnumerable<string> allowed, int? maxDistance = null)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in allowed)
        {
            int d = Levenshtein(name.ToLowerInvariant(), candidate);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }

        return bestDistance <= (maxDistance ?? Math.Max(2, name.Length / 3)) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            prev[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
