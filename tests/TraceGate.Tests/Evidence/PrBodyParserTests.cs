using FluentAssertions;
using TraceGate.Core.Evidence;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Evidence;

public sealed class PrBodyParserTests
{
    private static readonly HashSet<string> Labels = PolicyDefaults.KnownFields.Values.SelectMany(v => v.Aliases)
        .Select(PrBodyParser.NormalizeLabel).ToHashSet();

    private static string Fixture(string name) => File.ReadAllText(Repo.Fixture($"Evidence/Fixtures/pr-bodies/{name}"));

    private static Dictionary<string, LabeledValue> Parse(string markdown) =>
        PrBodyParser.Parse(markdown, Labels.Contains).Values
            .GroupBy(v => PrBodyParser.NormalizeLabel(v.Label)).ToDictionary(g => g.Key, g => g.First());

    [Fact]
    public void Parse_SeedTemplate_FindsEveryFieldAndTheChecklist()
    {
        var body = PrBodyParser.Parse(Fixture("seed-template.md"), Labels.Contains);
        var v = body.Values.ToDictionary(x => x.Label, x => x.Value);
        v["Incident"].Should().Be("INC-2471");
        v["Primary trace"].Should().Be("https://app.trace.example/trace/3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2");
        v["Invariant"].Should().Be("balances must never go negative");
        v["Repro"].Should().Be("tests/test_transfer_repro.py::test_fee_guard_fires");
        v["Rollback"].Should().Be("revert commit abc123 and disable feature flag transfer_fee_v2");
        body.Checklist.Should().HaveCount(3).And.OnlyContain(c => c.Checked);
        body.Values.Single(x => x.Label == "Incident").Line.Should().Be(3);
    }

    [Fact]
    public void Parse_BoldLabels_ReadsBothColonPlacementsAndKeepsLinkUrl()
    {
        var v = Parse(Fixture("bold-labels.md"));
        v["incident"].Value.Should().Be("INC-2471");
        v["incident"].Url.Should().Be("https://tickets.example/browse/INC-2471");
        v["primary trace"].Url.Should().Be("https://app.trace.example/trace/3F6B2A9C1E4D4B7F8A2C5E6D7F8091A2");
        v["repro"].Value.Should().Be("tests/test_transfer_repro.py::test_fee_guard_fires");
        v["rollback plan"].Value.Should().Be("revert the merge commit; flag transfer_fee_v2 off");
    }

    [Fact]
    public void Parse_BoldLabels_ReadsUpperAndLowerCaseCheckboxes()
    {
        var body = PrBodyParser.Parse(Fixture("bold-labels.md"), Labels.Contains);
        body.Checklist.Select(c => (c.Text, c.Checked)).Should().Equal(("Property test added", true), ("Dashboards updated", false));
    }

    [Fact]
    public void Parse_TwoColumnTable_SkipsHeaderAndIgnoresUnknownRows()
    {
        var body = PrBodyParser.Parse(Fixture("table.md"), Labels.Contains);
        var v = body.Values.ToDictionary(x => PrBodyParser.NormalizeLabel(x.Label));
        v.Keys.Should().BeEquivalentTo(["incident", "primary trace", "invariant", "repro", "rollback", "notes"]);
        v["primary trace"].Value.Should().Be("3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2");
        v["repro"].Value.Should().Be("tests/test_transfer_repro.py::test_fee_guard_fires");
        v["repro"].Url.Should().StartWith("https://github.example/");
        v["rollback"].Value.Should().Be("revert and disable transfer_fee_v2");
    }

    [Fact]
    public void Parse_HeadingsAsLabels_TakeTheParagraphBelowAndSkipComments()
    {
        var v = Parse(Fixture("headings.md"));
        v["incident"].Value.Should().Be("INC-2471");
        v["primary trace"].Value.Should().Be("https://app.trace.example/trace/3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2");
        v["invariant"].Value.Should().Be("Balance never negative, fees included.");
        v["repro"].Value.Should().Be("tests/test_transfer_repro.py::test_fee_guard_fires");
        v["rollback"].Value.Should().BeEmpty();
        v["rollback"].OnlyComment.Should().BeTrue();
    }

    [Fact]
    public void Parse_HtmlCommentValue_IsEmptyAndMarkedAsComment()
    {
        var v = Parse("- Invariant: <!-- one crisp sentence -->\n");
        v["invariant"].Value.Should().BeEmpty();
        v["invariant"].OnlyComment.Should().BeTrue();
    }

    [Fact]
    public void Parse_ProseWithColon_IsNotALabel()
    {
        Parse("We changed the fix: it now guards first.\nThe incident: was bad.\n").Should().BeEmpty();
    }

    [Fact]
    public void Parse_BrokenMarkdown_NeverThrowsAndReadsWhatIsContent()
    {
        var v = Parse(Fixture("broken.md"));
        v["incident"].Value.Should().Be("INC-2471");
        v["invariant"].Value.Should().Be("after a broken table row");
        v["rollback"].Value.Should().Be("nested quotes still count");
        v.Should().NotContainKey("primary trace", "a fenced code block is code, not evidence");
    }

    [Fact]
    public void Parse_DeeplyNestedQuotesAndLists_ReturnsAnErrorInsteadOfThrowing()
    {
        var deep = string.Concat(Enumerable.Repeat("> ", 5000)) + "Incident: INC-1\n" + string.Concat(Enumerable.Range(0, 3000).Select(i => new string(' ', i % 200) + "- x\n"));
        var act = () => PrBodyParser.Parse(deep, Labels.Contains);
        act.Should().NotThrow().Which.Error.Should().Contain("nested too deeply");
    }

    [Fact]
    public void Parse_BoldLabelAloneOnItsLine_TakesTheParagraphBelow()
    {
        var v = Parse("**Root cause**\n\nThe fee was debited before the guard ran.\n\n**Rollback:**\nrevert abc123\n");
        v["root cause"].Value.Should().Be("The fee was debited before the guard ran.");
        v["root cause"].Line.Should().Be(3);
        v["rollback"].Value.Should().Be("revert abc123");
    }

    [Fact]
    public void Parse_HeadingSection_TakesEveryParagraphAndBulletUpToTheNextHeadingOfItsLevel()
    {
        var v = Parse("## Rollback Plan\n\nRevert the merge commit.\n\n- disable flag transfer_fee_v2\n- purge the fee cache\n\n### Details\nTakes two minutes.\n\n## Invariant\nBalance never negative\n");
        v["rollback plan"].Value.Should().Be("Revert the merge commit. disable flag transfer_fee_v2; purge the fee cache; Takes two minutes.");
        v["rollback plan"].Parts.Should().HaveCount(4);
        v["invariant"].Value.Should().Be("Balance never negative");
    }

    [Fact]
    public void Parse_LabelWithNestedList_TakesTheList()
    {
        var v = Parse("## Risk & Rollback\n\n- **Risk level**: Low\n- **Rollback plan**:\n  - Revert PR\n  - Disable flag transfer_fee_v2\n- **Owner**: payments\n");
        v["rollback plan"].Value.Should().Be("Revert PR; Disable flag transfer_fee_v2");
        v["rollback plan"].Form.Should().Be(LabelForm.Below);
    }

    [Fact]
    public void Parse_UnknownBoldLabel_EndsTheValueOfTheLabelAbove()
    {
        var v = Parse("**Root Cause:**\n<!-- What directly caused the failure -->\n\n**Business Impact:**\n- Users affected: all EU users\n");
        v["root cause"].Value.Should().BeEmpty();
        v["root cause"].OnlyComment.Should().BeTrue();
    }

    [Fact]
    public void Parse_HeadingSectionOfLabelsAndStructure_KeepsOnlyItsOwnText()
    {
        // "Rollback Steps:" and "Rollback Time Estimate:" are structure of the template, not an answer.
        var v = Parse("## Rollback Plan\n\n<!-- How to revert? -->\n\n**Rollback Steps:**\n1. \n\n**Rollback Time Estimate:**\n\n## Tests\n");
        v["rollback plan"].Value.Should().BeEmpty();
        v["rollback plan"].OnlyComment.Should().BeTrue();
    }

    [Fact]
    public void Parse_FrontMatterOfADirectoryTemplate_IsNotContent()
    {
        var v = Parse("---\nname: Hotfix\nabout: Urgent fix\n---\n\n## Rollback\nrevert abc123\n");
        v.Keys.Should().Equal("rollback");
        v["rollback"].Value.Should().Be("revert abc123");
    }

    [Theory]
    [InlineData("## 🚨 Rollback Plan", "rollback plan")]
    [InlineData("7) Risk & Rollback", "risk & rollback")]
    [InlineData("5 Whys:", "5 whys")]
    [InlineData("- Incident / ticket link:", "incident / ticket link")]
    public void NormalizeLabel_StripsEmojiBulletsAndNumbering(string label, string expected)
    {
        PrBodyParser.NormalizeLabel(label).Should().Be(expected);
    }

    [Theory]
    [InlineData("seed-template.md")]
    [InlineData("bold-labels.md")]
    [InlineData("table.md")]
    [InlineData("headings.md")]
    [InlineData("untouched-template.md")]
    [InlineData("hostile.md")]
    [InlineData("broken.md")]
    public void Evidence_ForEachTemplateStyle_MatchesGoldenJson(string name)
    {
        using var ws = new TempDir();
        ws.Write("tests/test_transfer_repro.py", "def test_fee_guard_fires(): pass\n");
        var inputs = new EvidenceInputs { PrBody = Fixture(name), Workspace = new TraceGate.Cli.Inputs.FileWorkspace(ws.Path) };
        var report = GateRun.Evaluate(PolicyDefaults.Create(), inputs, []);
        var json = TraceGate.Core.Rendering.JsonReport.Render(report);
        Golden.Match(json, $"Evidence/Fixtures/pr-bodies/{Path.GetFileNameWithoutExtension(name)}.expected.json");
    }
}
