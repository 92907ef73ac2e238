using FluentAssertions;
using TraceGate.Core.Evidence;

namespace TraceGate.Tests.Evidence;

public sealed class TrailerParserTests
{
    private static List<string> Keys(string message) => TrailerParser.Parse(message).Trailers.Select(t => $"{t.Key}={t.Value}").ToList();

    [Fact]
    public void Parse_SeedCommitTemplate_ReadsAllFiveTrailers()
    {
        var msg = "fix: enforce overdraft guard before fee debit\n\nINC: INC-2471\nTRACE: 3f6b2a\nINVARIANT: balance never negative\nREPRO: tests/t.py::test_x\nROLLBACK: revert abc123, disable flag transfer_fee_v2\n";
        Keys(msg).Should().Equal("INC=INC-2471", "TRACE=3f6b2a", "INVARIANT=balance never negative", "REPRO=tests/t.py::test_x", "ROLLBACK=revert abc123, disable flag transfer_fee_v2");
    }

    [Fact]
    public void Parse_SubjectOnly_HasNoTrailers()
    {
        Keys("INC: INC-1\n").Should().BeEmpty();
    }

    [Fact]
    public void Parse_NoBlankLineBeforeTrailers_WarnsAndReadsNothing()
    {
        var result = TrailerParser.Parse("subject\n\nSome prose here.\nINC: INC-1\n");
        result.Trailers.Should().BeEmpty();
        result.Ignored.Should().ContainSingle(i => i.Key == "INC" && i.Place == TrailerLinePlace.MixedLastParagraph && i.Line == 4);
        result.FirstProseLineInLastParagraph.Should().Be(3);
    }

    [Fact]
    public void Parse_TrailersNotInLastParagraph_AreIgnoredAndPlaced()
    {
        var result = TrailerParser.Parse("subject\n\nINC: INC-1\n\nMore prose.\n");
        result.Trailers.Should().BeEmpty();
        result.Ignored.Should().ContainSingle(i => i.Place == TrailerLinePlace.EarlierParagraph);
    }

    [Fact]
    public void Parse_ContinuationLines_AreFolded()
    {
        Keys("s\n\nROLLBACK: revert abc123\n  and disable the flag\nINC: INC-1\n").Should().Equal("ROLLBACK=revert abc123 and disable the flag", "INC=INC-1");
    }

    [Fact]
    public void Parse_GitGeneratedTrailerWithQuarterTrailers_AcceptsMixedBlock()
    {
        Keys("s\n\nprose one\nprose two\nprose three\nINC: INC-1\nSigned-off-by: A <a@b>\n").Should().Equal("INC=INC-1", "Signed-off-by=A <a@b>");
    }

    [Fact]
    public void Parse_CommentLines_AreIgnored()
    {
        Keys("s\n\nINC: INC-1\n# Please enter the commit message\nTRACE: abc\n").Should().Equal("INC=INC-1", "TRACE=abc");
    }

    [Fact]
    public void Parse_DividerEndsTheMessage()
    {
        Keys("s\n\nINC: INC-1\n---\nTRACE: abc\n").Should().Equal("INC=INC-1");
    }

    [Fact]
    public void Parse_WhitespaceBeforeSeparator_IsAllowed()
    {
        Keys("s\n\nINC : INC-1\n").Should().Equal("INC=INC-1");
    }

    [Fact]
    public void Parse_KeyWithSpaceInside_IsNotATrailer()
    {
        Keys("s\n\nPrimary trace: abc\n").Should().BeEmpty();
    }
}
