using System.Text;
using FluentAssertions;
using TraceGate.Core.Evidence;
using TraceGate.Tests.TestResults;

namespace TraceGate.Tests.Evidence;

/// <summary>
/// What the trailer parser keeps of a message of trailer lines: 16 MiB of them peaked at 523 MiB in bench/bounds.sh,
/// two new strings per line (key and value) besides the list. A repeated key or value is now one string. Measured
/// alone (the collection runs beside no other test, whose memory would count).
/// </summary>
[Collection(nameof(LargeReportBoundsTests))]
public sealed class TrailerMemoryTests
{
    [Fact]
    public void Parse_FourMiBOfRepeatedTrailerLines_KeepsOneStringPerDistinctKeyAndValue()
    {
        var text = new StringBuilder("fix: the fee guard\n\n");
        int lines = 0;
        for (; text.Length < 4 << 20; lines++)
        {
            text.Append("INC: INC-2471\n");
        }

        string message = text.Append("Rollback: revert\n").ToString();

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var parsed = TrailerParser.Parse(message);
        long kept = GC.GetTotalMemory(forceFullCollection: true) - before;

        // The list of (key, value, line) is 24 bytes a line (up to twice that as it grows); the strings were 72 more.
        kept.Should().BeLessThan(lines * 48L, "every line's key and value are the same strings");
        parsed.Trailers.Should().HaveCount(lines + 1);
        parsed.Trailers[0].Should().Be(("INC", "INC-2471", 3));
        parsed.Trailers[^1].Should().Be(("Rollback", "revert", lines + 3));
        GC.KeepAlive(parsed);
    }
}
