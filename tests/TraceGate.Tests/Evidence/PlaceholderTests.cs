using FluentAssertions;
using TraceGate.Core.Evidence;

namespace TraceGate.Tests.Evidence;

public sealed class PlaceholderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<incident id>")]
    [InlineData("<...>")]
    [InlineData("INC-XXXX")]
    [InlineData("XXXX")]
    [InlineData("JIRA-XXX")]
    [InlineData("TBD")]
    [InlineData("tbd")]
    [InlineData("TODO")]
    [InlineData("TODO: write the rollback")]
    [InlineData("...")]
    [InlineData("…")]
    [InlineData("N/A")]
    [InlineData("tests/...")]
    [InlineData("3f6b2a...")]
    [InlineData("https://app.trace.example/trace/3f6b2a...")]
    public void Reason_TemplateFiller_IsAPlaceholder(string value)
    {
        Placeholder.Reason(value, onlyComment: false).Should().NotBeNull();
    }

    [Theory]
    [InlineData("INC-2471")]
    [InlineData("balances must never go negative")]
    [InlineData("tests/test_transfer_repro.py::test_fee_guard_fires")]
    [InlineData("revert abc123, disable flag transfer_fee_v2")]
    [InlineData("Toddler-proof: XX is fine")]
    [InlineData("3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2")]
    public void Reason_RealValue_IsNotAPlaceholder(string value)
    {
        Placeholder.Reason(value, onlyComment: false).Should().BeNull();
    }

    [Fact]
    public void Reason_OnlyComment_SaysTheCommentIsStillThere()
    {
        Placeholder.Reason("", onlyComment: true).Should().Contain("template's comment");
    }

    [Fact]
    public void Reason_Filler_SaysItIsTheTemplatesPlaceholder()
    {
        Placeholder.Reason("INC-XXXX", false).Should().Be("still holds the template's placeholder 'INC-XXXX'");
    }
}
