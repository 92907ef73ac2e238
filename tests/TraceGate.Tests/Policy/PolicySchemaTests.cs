using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using Json.Schema;
using TraceGate.Core.Policy;
using TraceGate.Tests.TestInfrastructure;
using YamlDotNet.RepresentationModel;
using TraceGate.Core.Rules;

namespace TraceGate.Tests.Policy;

/// <summary>
/// schema/tracegate.schema.json and the policy loader agree: the schema lists exactly the keys the loader accepts,
/// every policy in the repository that the loader accepts validates, and the loader's typo cases are schema errors.
/// </summary>
public sealed class PolicySchemaTests
{
    private static readonly string SchemaPath = Path.Combine(Repo.Root, "schema", "tracegate.schema.json");
    private static readonly JsonNode SchemaNode = JsonNode.Parse(File.ReadAllText(SchemaPath))!;
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(SchemaPath));

    /// <summary>Where each of the loader's key lists lives in the schema. A new list fails the test until it is mapped.</summary>
    private static readonly Dictionary<string, string> KeyListLocation = new()
    {
        ["TopKeys"] = "/properties",
        ["EvidenceKeys"] = "/properties/evidence/properties",
        ["FieldKeys"] = "/$defs/field/properties",
        ["TestsKeys"] = "/properties/tests/properties",
        ["ProofKeys"] = "/properties/proof/properties",
        ["TracesKeys"] = "/properties/traces/properties",
        ["RuleKeys"] = "/$defs/rule/properties",
        ["BaselineKeys"] = "/$defs/baselineBudgets/properties",
        ["ConditionKeys"] = "/$defs/condition/properties",
    };

    /// <summary>The key lists of the policy loader and its section loaders (PolicyLoader, EvidenceSection,
    /// ConditionSection, TestsSection, ProofSection, TracesSection, RuleLoader): every <c>*Keys</c> string array.</summary>
    private static IEnumerable<(string Name, string[] Keys)> LoaderKeyLists() =>
        typeof(PolicyLoader).Assembly.GetTypes()
            .Where(t => t.Namespace is "TraceGate.Core.Policy" or "TraceGate.Core.Rules")
            .SelectMany(t => t.GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(string[]) && f.Name.EndsWith("Keys", StringComparison.Ordinal))
            .Select(f => (f.Name, (string[])f.GetValue(null)!));

    private static JsonNode At(string pointer) =>
        pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Aggregate(SchemaNode, (n, part) =>
            (n is JsonArray a ? a[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)] : n[part]) ?? throw new KeyNotFoundException(pointer));

    [Fact]
    public void Schema_ListsExactlyTheKeysTheLoaderAccepts()
    {
        var lists = LoaderKeyLists().ToList();
        lists.Should().NotBeEmpty();
        lists.Select(l => l.Name).Should().OnlyHaveUniqueItems("each key list has one place in the schema");
        lists.Select(l => l.Name).Should().Contain(KeyListLocation.Keys, "every mapped key list is still found");
        foreach (var (name, keys) in lists)
        {
            KeyListLocation.Should().ContainKey(name, $"PolicyLoader.{name} is a key list: map it to its place in schema/tracegate.schema.json");
            var inSchema = At(KeyListLocation[name]).AsObject().Select(p => p.Key);
            inSchema.Should().BeEquivalentTo(keys, $"the schema at {KeyListLocation[name]} lists the keys of PolicyLoader.{name}");
        }

        // The lists the loader spells inline.
        At("/$defs/field/properties/required/anyOf/1/properties").AsObject().Select(p => p.Key).Should().BeEquivalentTo(["when"]);
        At("/properties/traces/properties/redaction/properties").AsObject().Select(p => p.Key).Should().BeEquivalentTo(["forbid"]);
        var stats = Quantities.Stats;
        At("/$defs/budgets/propertyNames/enum").AsArray().Select(s => s!.GetValue<string>()).Should().BeEquivalentTo(stats);
        At("/properties/traces/properties/redaction/properties/forbid/items/enum").AsArray().Select(s => s!.GetValue<string>())
            .Should().BeEquivalentTo(TraceGate.Core.Rules.Redaction.Known);
    }

    [Fact]
    public void Schema_DescribesEveryKey()
    {
        foreach (var pointer in KeyListLocation.Values)
        {
            foreach (var (key, node) in At(pointer).AsObject())
            {
                node!["description"]?.GetValue<string>().Should().NotBeNullOrWhiteSpace($"{pointer}/{key} has a description for editors");
            }
        }
    }

    public static TheoryData<string> RepositoryPolicies()
    {
        var data = new TheoryData<string>();
        var files = Directory.EnumerateFiles(Path.Combine(Repo.Root, "examples"), "*.yml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Repo.Root, "examples"), ".tracegate.yml", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(Repo.Root, "tests", "TraceGate.Tests"), "policy*.yml", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith("azure-pipelines.yml", StringComparison.Ordinal))
            .Distinct();
        foreach (var f in files)
        {
            data.Add(Path.GetRelativePath(Repo.Root, f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RepositoryPolicies))]
    public void RepositoryPolicy_LoaderAndSchemaAgree(string relative)
    {
        string text = File.ReadAllText(Path.Combine(Repo.Root, relative));
        var loaded = PolicyLoader.Load(relative, text);
        if (loaded.Policy is not null)
        {
            Errors(text).Should().BeEmpty($"{relative} loads, so it validates against the schema");
        }
        else if (loaded.Errors.Any(e => e.Message.Contains("unknown key", StringComparison.Ordinal)))
        {
            Errors(text).Should().NotBeEmpty($"{relative} has an unknown key, which the schema rejects too");
        }
    }

    [Fact]
    public void RepositoryPolicies_IncludeTheExampleAndValidPolicies()
    {
        var all = ((IEnumerable<object[]>)RepositoryPolicies()).Select(r => (string)r[0]).ToList();
        all.Should().Contain(Path.Combine("examples", "payments", ".tracegate.yml"));
        all.Count(r => PolicyLoader.Load(r, File.ReadAllText(Path.Combine(Repo.Root, r))).Policy is not null).Should().BeGreaterThan(1);
    }

    [Fact]
    public void InitDraft_StartsWithSchemaCommentAndValidates()
    {
        string draft = TraceGate.Core.Policy.PolicyDraft.Render(
            TraceGate.Cli.Hosts.TraceTools.Summarize(new TraceGate.Cli.Hosts.RunContext(TextWriter.Null, TextWriter.Null, new Dictionary<string, string?>(), Repo.Root, false),
                [Path.Combine(Repo.Example, "artifacts", "traces", "transfer-tests.pb")]),
            "artifacts/traces/**/*");
        draft.Should().StartWith($"# yaml-language-server: $schema={TraceGate.Core.Policy.PolicyDraft.SchemaUrl}\n");
        SchemaNode["$id"]!.GetValue<string>().Should().Be(TraceGate.Core.Policy.PolicyDraft.SchemaUrl);
        PolicyLoader.Load("draft.yml", draft).Policy.Should().NotBeNull();
        Errors(draft).Should().BeEmpty();
    }

    [Theory]
    [InlineData("evidence:\n  fields:\n    incident:\n      requred: true\n")]
    [InlineData("evidense: {}\n")]
    [InlineData("tets: {}\n")]
    [InlineData("evidence:\n  checklist: all-checkd\n")]
    [InlineData("evidence:\n  sources: [pr-bdy]\n")]
    [InlineData("evidence:\n  fields:\n    trace: { kind: traceid }\n")]
    [InlineData("evidence:\n  fields:\n    incident: { required: maybe }\n")]
    [InlineData("tests:\n  result: ['x.xml']\n")]
    [InlineData("traces:\n  file: ['t/*']\n")]
    [InlineData("traces:\n  min-samples: 0\n")]
    [InlineData("traces:\n  redaction:\n    forbid: [emails]\n")]
    [InlineData("traces:\n  rules:\n    - select: 'span[name=\"a\"]'\n      duraton: { p95: '<= 1ms' }\n")]
    [InlineData("traces:\n  rules:\n    - select: 'span[name=\"a\"]'\n      duration: { p96: '<= 1ms' }\n")]
    [InlineData("traces:\n  rules:\n    - select: 'span[name=\"a\"]'\n      status: okay\n")]
    [InlineData("traces:\n  rules:\n    - id: Apply\n      select: 'span[name=\"a\"]'\n")]
    [InlineData("traces:\n  rules:\n    - count: '>= 1'\n")]
    [InlineData("version: 2\n")]
    [InlineData("evidence:\n  when: { lables: [bug] }\n")]
    [InlineData("evidence:\n  when: {}\n")]
    [InlineData("evidence:\n  skip-author: [dependabot]\n")]
    [InlineData("evidence:\n  fields:\n    rollback: { required: { whn: { labels: [risky] } } }\n")]
    [InlineData("evidence:\n  sources: [labels]\n  fields:\n    incident: { labels: ['incident:'] }\n")]
    [InlineData("evidence:\n  when: { branches: ['refs/heads/fix/*'] }\n")]
    [InlineData("evidence:\n  when: { trailers: ['INC:'] }\n")]
    public void LoaderError_IsSchemaErrorToo(string yaml)
    {
        PolicyLoader.Load(".tracegate.yml", yaml).Policy.Should().BeNull("the loader rejects it");
        Errors(yaml).Should().NotBeEmpty("the schema rejects it too");
    }

    private static List<string> Errors(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = stream.Documents.Count == 0 ? new JsonObject() : ToJson(stream.Documents[0].RootNode);
        var result = Schema.Evaluate(JsonSerializer.SerializeToElement(json), new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid ? [] : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("invalid").ToList();
    }

    /// <summary>YAML to JSON as an editor's YAML language server sees it (YAML 1.2 core schema for plain scalars).</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s => s.Value switch
        {
            null or "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            var v when long.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long n) => JsonValue.Create(n),
            var v when double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d) => JsonValue.Create(d),
            var v => JsonValue.Create(v),
        },
        YamlScalarNode s => JsonValue.Create(s.Value ?? ""),
        _ => null,
    };
}
