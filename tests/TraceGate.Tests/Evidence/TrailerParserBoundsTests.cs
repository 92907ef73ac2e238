using System.Text;
using FluentAssertions;
using TraceGate.Core.Evidence;

namespace TraceGate.Tests.Evidence;

/// <summary>
/// Messages near the 16 MiB cap finish: the parser once recounted line numbers from the start for every line and
/// folded continuation lines by copying the whole trailer again, so 4 MiB took minutes. The timeout guards against a
/// hang; how fast it is is measured by bench/bounds.sh, not asserted here.
/// </summary>
public sealed class TrailerParserBoundsTests
{
    private const int Size = 8 * 1024 * 1024;

    private static (string Message, int Lines) Repeat(string head, string line)
    {
        var sb = new StringBuilder(Size + 64).Append(head);
        int lines = 0;
        for (; sb.Length < Size; lines++)
        {
            sb.Append(line);
        }

        return (sb.ToString(), lines);
    }

    [Fact(Timeout = 60_000)]
    public async Task Parse_WhenEightMiBOfTrailerLines_FinishesWithEveryLineNumber()
    {
        var (message, lines) = Repeat("fix: the fee guard\n\n", "INC: INC-2471\n");
        var result = await Task.Run(() => TrailerParser.Parse(message));

        result.Trailers.Should().HaveCount(lines);
        result.Trailers[^1].Should().Be(("INC", "INC-2471", lines + 2));
    }

    [Fact(Timeout = 60_000)]
    public async Task Parse_WhenOneTrailerIsContinuedOverEightMiB_FoldsItWhole()
    {
        var (message, lines) = Repeat("fix\n\nROLLBACK: revert\n", " and more\n");
        var result = await Task.Run(() => TrailerParser.Parse(message));

        result.Trailers.Should().ContainSingle();
        result.Trailers[0].Value.Should().StartWith("revert and more and more").And.EndWith("and more");
        result.Trailers[0].Value.Length.Should().Be("revert".Length + (lines * " and more".Length));
    }

    [Fact(Timeout = 60_000)]
    public async Task Parse_WhenEightMiBOfTrailerShapedProseLines_PlacesEveryOneWithItsLine()
    {
        var (message, lines) = Repeat("fix\n\n", "INC: INC-1\n");
        message += "\nprose that ends the message\n";
        var result = await Task.Run(() => TrailerParser.Parse(message));

        result.Trailers.Should().BeEmpty();
        result.Ignored.Should().HaveCount(lines).And.OnlyContain(i => i.Place == TrailerLinePlace.EarlierParagraph);
        result.Ignored[^1].Line.Should().Be(lines + 2);
    }
}
