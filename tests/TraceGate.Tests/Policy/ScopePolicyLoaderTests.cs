using FluentAssertions;
using TraceGate.Core.Policy;
using TraceGate.Core.PolicyFile;

namespace TraceGate.Tests.Policy;

/// <summary>evidence.when, skip-authors, skip-labels, required: { when }, labels patterns and the labels source.</summary>
public sealed class ScopePolicyLoaderTests
{
    private static PolicyLoadResult Load(string yaml) => PolicyLoader.Load(".tracegate.yml", yaml);

    private static PolicyError SingleError(string yaml)
    {
        var result = Load(yaml);
        result.Policy.Should().BeNull();
        return result.Errors.Should().ContainSingle().Subject;
    }

    [Fact]
    public void Load_IssueScopeExample_LoadsEveryConditionKey()
    {
        var r = Load("""
            evidence:
              when:
                labels: [bug, incident]
                title: '^(fix|hotfix)(\(.+\))?!?:'
                branches: ['hotfix/*', 'fix/*']
                paths: ['src/**']
                trailers: [INC]
              skip-authors: ['dependabot[bot]', 'renovate[bot]']
              skip-labels: [no-evidence-needed]
            """);
        r.Errors.Should().BeEmpty();
        var scope = r.Policy!.Evidence.Scope;
        scope.When!.Labels.Should().Equal("bug", "incident");
        scope.When.Title!.IsMatch("fix(api)!: x").Should().BeTrue();
        scope.When.Title.MatchTimeout.Should().Be(PolicyDefaults.RegexTimeout);
        scope.When.Branches.Should().Equal("hotfix/*", "fix/*");
        scope.When.Paths.Should().Equal("src/**");
        scope.When.Trailers.Should().Equal("INC");
        scope.When.Line.Should().Be(3);
        scope.SkipAuthors.Should().Equal("dependabot[bot]", "renovate[bot]");
        scope.SkipLabels.Should().Equal("no-evidence-needed");
        r.Policy.Evidence.NeedsChangedFiles.Should().BeTrue();
        r.Policy.Evidence.NeedsLabels.Should().BeTrue();
    }

    [Fact]
    public void Load_WithoutScopeKeys_EveryPullRequestIsInScope()
    {
        var r = Load("evidence:\n  fields:\n    incident: {}\n");
        r.Policy!.Evidence.Scope.IsEverything.Should().BeTrue();
        r.Policy.Evidence.NeedsChangedFiles.Should().BeFalse();
        r.Policy.Evidence.NeedsLabels.Should().BeFalse();
    }

    [Fact]
    public void Load_ConditionalRequired_KeepsTheConditionWithItsKeyPath()
    {
        var r = Load("evidence:\n  fields:\n    rollback: { required: { when: { paths: ['migrations/**', 'src/payments/**'], labels: ['risk:high'] } } }\n");
        r.Errors.Should().BeEmpty();
        var rollback = r.Policy!.Evidence.Fields.Single();
        rollback.Required.Should().BeTrue();
        rollback.RequiredWhen!.KeyPath.Should().Be("evidence.fields.rollback.required.when");
        rollback.RequiredWhen.Paths.Should().Equal("migrations/**", "src/payments/**");
        rollback.RequiredWhen.Labels.Should().Equal("risk:high");
    }

    [Fact]
    public void Load_LabelPatterns_ExtractTheValueIgnoringCase()
    {
        var r = Load("evidence:\n  sources: [pr-body, commit-trailers, labels]\n  fields:\n    incident: { labels: ['incident:{value}', 'inc/{value}/x'] }\n");
        r.Errors.Should().BeEmpty();
        r.Policy!.Evidence.Sources.Should().Contain(EvidenceSourceKind.Labels);
        var patterns = r.Policy.Evidence.Fields.Single().Labels;
        patterns[0].ValueOf("Incident:INC-2471").Should().Be("INC-2471");
        patterns[0].ValueOf("incident:").Should().BeNull();
        patterns[0].ValueOf("bug").Should().BeNull();
        patterns[1].ValueOf("inc/INC-9/x").Should().Be("INC-9");
        patterns[1].ValueOf("inc/INC-9/y").Should().BeNull("the text after {value} is literal too");
    }

    [Theory]
    [InlineData("evidence:\n  when:\n    lables: [bug]\n", 3, "unknown key 'lables' in evidence.when: did you mean 'labels'?")]
    [InlineData("evidence:\n  when:\n    labels: [bug]\n    title: '(unclosed'\n", 4, "evidence.when.title is not a valid regular expression")]
    [InlineData("evidence:\n  when:\n    paths: ['/abs/path']\n", 3, "evidence.when.paths '/abs/path' can never match: expected a path relative to the workspace, found an absolute path")]
    [InlineData("evidence:\n  when:\n    paths: ['../outside/**']\n", 3, "evidence.when.paths '../outside/**' can never match")]
    [InlineData("evidence:\n  when:\n    branches: ['refs/heads/fix/*']\n", 3, "branches are matched by their short name: write 'fix/*'")]
    [InlineData("evidence:\n  when:\n    trailers: ['INC:']\n", 3, "evidence.when.trailers 'INC:': expected a trailer key")]
    [InlineData("evidence:\n  when:\n    labels: []\n", 3, "evidence.when.labels is an empty list: it can never hold")]
    [InlineData("evidence:\n  when: {}\n", 2, "evidence.when is empty: expected at least one of labels, title, branches, paths, trailers")]
    [InlineData("evidence:\n  when:\n    title: ''\n", 3, "evidence.when.title is empty")]
    [InlineData("evidence:\n  when: [bug]\n", 2, "evidence.when must be a mapping")]
    [InlineData("evidence:\n  skip-authors: ['']\n", 2, "evidence.skip-authors holds an empty name")]
    [InlineData("evidence:\n  fields:\n    rollback:\n      required:\n        when:\n          paths: ['/srv/app/**']\n", 6, "evidence.fields.rollback.required.when.paths '/srv/app/**' can never match")]
    [InlineData("evidence:\n  fields:\n    rollback:\n      required:\n        whn: { labels: [x] }\n", 5, "unknown key 'whn' in evidence.fields.rollback.required: did you mean 'when'?")]
    [InlineData("evidence:\n  fields:\n    rollback:\n      required: { when: { colour: [x] } }\n", 4, "unknown key 'colour' in evidence.fields.rollback.required.when")]
    [InlineData("evidence:\n  fields:\n    rollback:\n      required: { when: { title: '[' } }\n", 4, "evidence.fields.rollback.required.when.title is not a valid regular expression")]
    [InlineData("evidence:\n  sources: [pr-body, labels]\n  fields:\n    incident: { labels: ['incident'] }\n", 4, "evidence.fields.incident.labels 'incident': expected a label pattern with exactly one {value}")]
    [InlineData("evidence:\n  sources: [pr-body, labels]\n  fields:\n    incident: { labels: ['{value}'] }\n", 4, "'{value}' alone would make every label a value")]
    [InlineData("evidence:\n  sources: [pr-body, labels]\n  fields:\n    incident: {}\n", 2, "evidence.sources names labels, but no field says which labels carry it")]
    [InlineData("evidence:\n  fields:\n    incident: { labels: ['incident:{value}'] }\n", 3, "evidence.fields.incident.labels is never read: add labels to evidence.sources")]
    [InlineData("evidence:\n  sources: [pr-body, label]\n", 2, "unknown source 'label' in evidence.sources: expected pr-body, commit-trailers or labels")]
    public void Load_BadConditionOrLabelKey_IsAnErrorWithLineAndKeyPath(string yaml, int line, string message)
    {
        var error = SingleError(yaml);
        error.Path.Should().Be(".tracegate.yml");
        error.Line.Should().Be(line);
        error.Message.Should().Contain(message);
        error.ToString().Should().StartWith($".tracegate.yml:{line}: ");
    }

    [Fact]
    public void Load_SeveralBadConditionKeys_ReportsEveryErrorAtOnce()
    {
        var r = Load("evidence:\n  when:\n    title: '('\n    paths: ['/a']\n  fields:\n    rollback: { required: { when: { branches: ['/b'] } } }\n");
        r.Errors.Select(e => e.Line).Should().Equal(3, 4, 6);
    }
}
