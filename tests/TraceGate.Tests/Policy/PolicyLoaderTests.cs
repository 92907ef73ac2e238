using FluentAssertions;
using TraceGate.Core.Policy;
using TraceGate.Core.PolicyFile;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Rules;

namespace TraceGate.Tests.Policy;

public sealed class PolicyLoaderTests
{
    private static PolicyLoadResult Load(string yaml) => PolicyLoader.Load(".tracegate.yml", yaml);

    // Found by fuzzing (fuzz target policy): YamlDotNet threw ArgumentException for these, which escaped as a crash,
    // and for one input its scanner never ran out of tokens, so the line finder for the error spun forever.
    [Fact]
    public void Load_AnchorsAliasesAndDeepNesting_AreRefusedBeforeTheTreeIsBuilt()
    {
        // A self-referencing alias used as a key made YamlDotNet recurse until the stack overflowed (fuzzing).
        Load("a: &x [*x]\n").Errors.Should().ContainSingle().Which.Message.Should().Contain("anchors (&name) are not supported");
        Load("a: *x\n").Errors.Should().ContainSingle().Which.Message.Should().Contain("aliases (*name) are not supported");
        Load("evidence: &e\n  sources: [pr-body]\ntests: *e\n").Errors.Should().ContainSingle().Which.Line.Should().Be(1);
        var deep = Load(new string('[', 5000) + new string(']', 5000));
        deep.Errors.Should().ContainSingle().Which.Message.Should().Contain("nested deeper than 32 levels");
    }

    [Theory]
    [InlineData("tag-not-a-uri.yml", "Global tags must be valid URIs")]
    [InlineData("unsupported-event.yml", "invalid YAML")]
    [InlineData("scanner-never-ends.yml", "invalid YAML")]
    [InlineData("lone-surrogate-escape.yml", "invalid YAML")]
    [InlineData("alias-cycle.yml", "not supported in a policy")]
    public async Task Load_YamlThatBreaksTheYamlLibrary_IsAPolicyErrorWithALine(string fixture, string message)
    {
        var text = await File.ReadAllTextAsync(Repo.Fixture("Fuzz/Fixtures/policy/" + fixture));
        var result = await Task.Run(() => Load(text)).WaitAsync(TimeSpan.FromSeconds(20));
        var error = result.Errors.Should().ContainSingle().Which;
        error.Line.Should().BePositive();
        error.Message.Should().Contain(message);
    }

    [Fact]
    public void Load_IssueContractExample_LoadsEveryKey()
    {
        var result = Load("""
            evidence:
              sources: [pr-body, commit-trailers]
              checklist: all-checked          # or: ignore
              fields:
                incident: { required: true, aliases: [Incident, INC], pattern: '^[A-Z][A-Z0-9]+-[0-9]+$', link: 'https://tickets.example/browse/{value}' }
                trace:    { required: true, aliases: [Primary trace, Trace, TRACE], kind: trace-id, link: 'https://app.trace.example/trace/{value}' }
                invariant: { required: true }
                repro:    { required: true, kind: test-ref }
                rollback: { required: true }
            tests:
              results: ['artifacts/test-results/*.xml']
            """);
        result.Errors.Should().BeEmpty();
        var policy = result.Policy!;
        policy.Evidence.Fields.Select(f => f.Name).Should().Equal("incident", "trace", "invariant", "repro", "rollback");
        policy.Evidence.Fields[0].Pattern!.ToString().Should().Be("^[A-Z][A-Z0-9]+-[0-9]+$");
        policy.Evidence.Fields[1].Kind.Should().Be(FieldKind.TraceId);
        policy.Evidence.Fields[3].Kind.Should().Be(FieldKind.TestRef);
        policy.Evidence.Fields[4].Aliases.Should().Contain("Rollback plan", "known fields keep their built-in aliases");
        policy.Tests.Results.Should().Equal("artifacts/test-results/*.xml");
    }

    [Fact]
    public void Load_WhenFieldHasUnknownKey_ReturnsErrorWithLineAndSuggestion()
    {
        var result = Load("evidence:\n  fields:\n    incident:\n      requred: true\n");
        result.Policy.Should().BeNull();
        result.Errors.Should().ContainSingle().Which.ToString()
            .Should().Be(".tracegate.yml:4: unknown key 'requred' in evidence.fields.incident: did you mean 'required'?");
    }

    [Fact]
    public void Load_ProofTestsAndBaselineResults_AreRead()
    {
        var policy = Load("version: 1\ntests:\n  results: ['r/head.xml']\n  baseline: ['r/base/*.xml']\nproof:\n  tests: ['tests/fixtures/**', 'tests/conftest.py']\n").Policy!;
        policy.Tests.Baseline.Should().Equal("r/base/*.xml");
        policy.Proof.Tests.Should().Equal("tests/fixtures/**", "tests/conftest.py");
    }

    [Fact]
    public void Load_WhenProofKeyIsMisspeltOrGlobLeavesTheWorkspace_ReturnsErrorsWithLines()
    {
        var errors = Load("proof:\n  test: ['x']\ntests:\n  baseline: ['../base.xml']\n").Errors.Select(e => e.ToString()).ToList();
        errors.Should().Contain(".tracegate.yml:2: unknown key 'test' in proof: did you mean 'tests'?");
        errors.Should().Contain(e => e.StartsWith(".tracegate.yml:4: tests.baseline '../base.xml': '..' would leave the workspace", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_WhenTopLevelKeyIsUnknown_ListsTheValidKeys()
    {
        Load("version: 1\nevidense: {}\n").Errors.Single().ToString()
            .Should().Be(".tracegate.yml:2: unknown key 'evidense' at the top level: did you mean 'evidence'?");
    }

    [Fact]
    public void Load_WhenPatternIsInvalidRegex_ReturnsErrorWithLine()
    {
        var error = Load("evidence:\n  fields:\n    incident: { pattern: '([A-Z' }\n").Errors.Single();
        error.Line.Should().Be(3);
        error.Message.Should().StartWith("evidence.fields.incident.pattern is not a valid regular expression");
    }

    [Theory]
    [InlineData("evidence:\n  checklist: sometimes\n", 2, "evidence.checklist is 'sometimes': expected all-checked or ignore")]
    [InlineData("evidence:\n  sources: [pr-body, slack]\n", 2, "unknown source 'slack' in evidence.sources: expected pr-body, commit-trailers or labels")]
    [InlineData("evidence:\n  fields:\n    trace: { kind: uuid }\n", 3, "evidence.fields.trace.kind is 'uuid': expected text, trace-id or test-ref")]
    [InlineData("evidence:\n  fields:\n    trace: { required: maybe }\n", 3, "evidence.fields.trace.required is 'maybe': expected true or false")]
    [InlineData("evidence:\n  fields: [incident]\n", 2, "evidence.fields must be a mapping (key: value lines), found a list")]
    [InlineData("tests:\n  results: ['../outside/*.xml']\n", 2, "tests.results '../outside/*.xml': '..' would leave the workspace: globs must stay inside it")]
    [InlineData("tests:\n  results: ['/etc/*.xml']\n", 2, "tests.results '/etc/*.xml': expected a path relative to the workspace, found an absolute path")]
    [InlineData("evidence:\n  fields:\n    Incident_Id: {}\n", 3, "field name 'Incident_Id' in evidence.fields: expected lowercase letters, digits and '-', starting with a letter")]
    [InlineData("evidence:\n  fields:\n    incident: { link: 'https://x.example/' }\n", 3, "evidence.fields.incident.link must be an http(s) URL containing {value}, e.g. 'https://tickets.example/browse/{value}'")]
    [InlineData("version: 2\n", 1, "version 2 is not supported: expected 1")]
    public void Load_WhenValueIsWrong_ReturnsErrorWithLine(string yaml, int line, string message)
    {
        var error = Load(yaml).Errors.Should().ContainSingle().Subject;
        error.Line.Should().Be(line);
        error.Message.Should().Be(message);
    }

    private static string Rules(params string[] selects) =>
        "traces:\n  rules:\n" + string.Concat(selects.Select(s => $"    - select: '{s}'\n"));

    private static string Steps(int count) => string.Join(" ", Enumerable.Repeat("span[name=a]", count));

    [Fact]
    public void Load_WhenASelectorHasMoreThanSixteenSteps_ReturnsErrorWithTheRuleLine()
    {
        Load(Rules(Steps(16))).Errors.Should().BeEmpty();
        var error = Load(Rules("span[name=x]", Steps(17))).Errors.Should().ContainSingle().Subject;
        error.ToString().Should().Be($".tracegate.yml:4: traces.rules[1].select: selector '{Steps(17)}': 17 steps, at most 16 (column 209 starts the 17th)");
    }

    [Fact]
    public void Load_WhenRulesUseMoreThanSixtyFourAncestorStepsTogether_NamesTheRuleThatCrossesTheBudget()
    {
        // Four rules of 16 steps have 60 ancestor steps; a fifth of 6 steps brings them to 65.
        var yaml = Rules(Steps(16), Steps(16), Steps(16), Steps(16), Steps(6));
        Load(Rules(Steps(16), Steps(16), Steps(16), Steps(16), Steps(5))).Errors.Should().BeEmpty();
        Load(yaml).Errors.Should().ContainSingle().Which.ToString().Should()
            .Be(".tracegate.yml:7: traces.rules[4].select: brings the ancestor steps of all selectors to 65: at most 64 together (every step but the last of each selector)");
    }

    [Theory]
    [InlineData("exist", "exists")]
    [InlineData("exsits", "exists")]
    [InlineData("Exists", "exists")]
    [InlineData("EXISTS", "exists")]
    [InlineData("existss", "exists")]
    [InlineData("absnt", "absent")]
    [InlineData("abset", "absent")]
    [InlineData("Absent", "absent")]
    [InlineData("absence", "absent")]
    public void Load_WhenAnAttributeCheckIsATypoOfExistsOrAbsent_ReturnsErrorWithSuggestion(string value, string meant)
    {
        var error = Load($"traces:\n  rules:\n    - select: span[name=apply]\n      attributes:\n        transfer.fee: {value}\n").Errors.Should().ContainSingle().Subject;
        error.ToString().Should().Be($".tracegate.yml:5: traces.rules[0].attributes.transfer.fee: '{value}' is not a check: did you mean '{meant}'? "
            + $"To compare the attribute with the text '{value}', write '== {value}'");
    }

    [Theory]
    [InlineData("'== exist'", AttributeCheckKind.Compare, "exist")]
    [InlineData("'!= absnt'", AttributeCheckKind.Compare, "absnt")]
    [InlineData("'== \"exists\"'", AttributeCheckKind.Compare, "exists")]
    [InlineData("exists", AttributeCheckKind.Exists, null)]
    [InlineData("absent", AttributeCheckKind.Absent, null)]
    [InlineData("EUR", AttributeCheckKind.Compare, "EUR")]
    [InlineData("exit-code", AttributeCheckKind.Compare, "exit-code")]
    [InlineData("assets", AttributeCheckKind.Compare, "assets")]
    [InlineData("42", AttributeCheckKind.Compare, "42")]
    public void Load_AttributeChecksThatAreNotTypos_Load(string value, AttributeCheckKind kind, string? compared)
    {
        var result = Load($"traces:\n  rules:\n    - select: span[name=apply]\n      attributes:\n        transfer.fee: {value}\n");
        result.Errors.Should().BeEmpty();
        var check = result.Policy!.Traces.Rules.Single().Attributes.Single();
        check.Kind.Should().Be(kind);
        check.Value.Should().Be(compared);
    }

    [Fact]
    public void Load_WhenYamlIsMalformed_ReturnsErrorWithLine()
    {
        var error = Load("evidence:\n  fields:\n    incident: { required: true\n  tests: x\n").Errors.Single();
        error.Line.Should().BeGreaterThan(2);
        error.Message.Should().StartWith("invalid YAML: ");
    }

    [Fact]
    public void Load_WhenKeyIsDuplicated_ReturnsError()
    {
        Load("evidence: {}\nevidence: {}\n").Errors.Should().ContainSingle().Which.Message.Should().StartWith("invalid YAML");
    }

    [Fact]
    public void Load_ReportsEveryErrorNotOnlyTheFirst()
    {
        Load("evidence:\n  checklist: x\n  fields:\n    incident: { requred: true }\ntets: {}\n").Errors.Select(e => e.Line).Should().BeEquivalentTo([2, 4, 5]);
    }

    [Fact]
    public void Load_EmptyFile_IsAnError()
    {
        Load("").Errors.Single().Message.Should().Contain("empty");
    }

    [Fact]
    public void Load_FieldsFreeTextWithoutPattern_DoNotHaveToAgree()
    {
        // Issue 18: a known field keeps its built-in pattern unless the policy sets one; pattern: '' drops it.
        var fields = Load("evidence:\n  fields:\n    invariant: {}\n    incident: { pattern: '' }\n    team: { pattern: '^[a-z]+$' }\n").Policy!.Evidence.Fields;
        fields.Single(f => f.Name == "invariant").MustAgree.Should().BeFalse();
        fields.Single(f => f.Name == "incident").Pattern.Should().BeNull();
        fields.Single(f => f.Name == "incident").MustAgree.Should().BeFalse("a policy that drops the pattern drops agreement with it");
        fields.Single(f => f.Name == "team").MustAgree.Should().BeTrue();
        fields.Single(f => f.Name == "team").Aliases.Should().Equal("team");
    }

    [Fact]
    public void Load_KnownFieldWithAddedAliases_KeepsItsPatternKindAndTrackerKeys()
    {
        var fields = Load("evidence:\n  fields:\n    incident: { aliases: [Jira link] }\n    trace: { aliases: [Trace link] }\n").Policy!.Evidence.Fields;
        var incident = fields.Single(f => f.Name == "incident");
        incident.Aliases.Should().Contain(["Incident", "Jira link"]);
        incident.Pattern!.ToString().Should().Be(PolicyDefaults.IncidentPattern);
        incident.TrackerKeys.Should().BeTrue();
        incident.MustAgree.Should().BeTrue();
        fields.Single(f => f.Name == "trace").Kind.Should().Be(FieldKind.TraceId);
    }

    [Fact]
    public void Load_KnownFieldThatSetsPatternAndKind_UsesThePolicys()
    {
        var incident = Load("evidence:\n  fields:\n    incident: { aliases: [Issue], pattern: '^#[0-9]+$', kind: text }\n").Policy!.Evidence.Fields.Single();
        incident.Pattern!.ToString().Should().Be("^#[0-9]+$");
    }

    [Fact]
    public void Load_KeyPattern_IsCompiledAndABrokenOneIsAnErrorWithLine()
    {
        var ok = Load("evidence:\n  fields:\n    incident: { key-pattern: 'tickets\\.example/t/(?<key>[0-9]+)', pattern: '^[0-9]+$' }\n").Policy!.Evidence.Fields.Single();
        ok.KeyPattern!.ToString().Should().Be("tickets\\.example/t/(?<key>[0-9]+)");
        var broken = Load("evidence:\n  fields:\n    incident:\n      key-pattern: '(['\n");
        broken.Errors.Should().ContainSingle().Which.ToString().Should().StartWith(".tracegate.yml:4: evidence.fields.incident.key-pattern is not a valid regular expression");
    }

    [Fact]
    public void Defaults_RequireTheSeedsFiveFields()
    {
        var policy = PolicyDefaults.Create();
        policy.IsDefault.Should().BeTrue();
        policy.Evidence.Fields.Where(f => f.Required).Select(f => f.Name).Should().Equal("incident", "trace", "invariant", "repro", "rollback");
        policy.Evidence.Checklist.Should().Be(ChecklistMode.AllChecked);
    }
}
