using System.Text;
using FluentAssertions;
using TraceGate.Core.Evidence;
using TraceGate.Core.TestResults;

namespace TraceGate.Tests.TestResults;

/// <summary>
/// A JUnit report near its size limit holds millions of cases (7 million in the 511 MiB of bench/bounds.sh), and the
/// reader once returned every one before the repro was matched: 46 s and 1.7 GiB there. Reads given what to keep hand
/// each case on as it is read and keep only those, counting the rest. The timeout guards against the hang; the
/// memory kept is asserted (alone: the collection does not run beside other tests, whose memory would count).
/// </summary>
[Collection(nameof(LargeReportBoundsTests))]
[CollectionDefinition(nameof(LargeReportBoundsTests), DisableParallelization = true)]
public sealed class LargeReportBoundsTests
{
    private static readonly TestRef Repro = TestRef.Parse("tests/t.py::test_x", out _)!;

    private static Stream Results(string body) => new MemoryStream(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Read_WithWhatToKeep_KeepsOnlyThoseCasesAndCountsEveryTestOnceWithItsRetries()
    {
        var read = TestResultsReader.Read("r.xml", Results("""
            <testsuites><testsuite name="tests">
              <testcase classname="tests.other" name="test_a"/>
              <testcase classname="tests.t" name="test_x"><failure message="boom"/></testcase>
              <testcase classname="tests.other" name="test_b"/>
              <testcase classname="tests.t" name="test_x"/>
              <testcase classname="tests.other" name="test_a"/>
            </testsuite></testsuites>
            """), c => TestMatcher.Matches(Repro, c));

        read.Error.Should().BeNull();
        read.Count.Should().Be(3, "test_a twice and test_x twice are retries: three tests, as the merge counts them");
        var repro = read.Cases.Should().ContainSingle().Subject;
        repro.Outcome.Should().Be(TestOutcome.PassedOnRetry, "the kept attempts merge as before");
        repro.Attempts.Should().Be(2);

        var all = TestResultsReader.Read("r.xml", Results("<testsuites><testsuite><testcase classname=\"a\" name=\"b\"/><testcase classname=\"a\" name=\"b\"/></testsuite></testsuites>"));
        all.Cases.Should().ContainSingle();
        all.Count.Should().Be(1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Read_ThreeMillionCasesKeepingTheRepro_KeepsOneCaseAndCountsThemAll()
    {
        const int cases = 3_000_000;
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var read = await Task.Run(() => TestResultsReader.Read("results.xml", new GeneratedReport(cases), c => TestMatcher.Matches(Repro, c)));
        long kept = GC.GetTotalMemory(forceFullCollection: true) - before;

        // As a list the cases were about 250 bytes each: 700 MiB here. What stays is the one case kept.
        kept.Should().BeLessThan(32L << 20);
        read.Error.Should().BeNull();
        read.Count.Should().Be(cases + 1);
        read.Cases.Should().ContainSingle().Which.Line.Should().Be(3);
        GC.KeepAlive(read);
    }

    /// <summary>A JUnit report of <c>cases</c> generated cases after the repro, written as it is read (no copy of
    /// the whole file in the test's memory).</summary>
    private sealed class GeneratedReport(int cases) : Stream
    {
        private static readonly byte[] Head = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites><testsuite name=\"tests\">\n<testcase classname=\"tests.t\" name=\"test_x\" time=\"0.001\"/>\n");

        private static readonly byte[] Tail = Encoding.UTF8.GetBytes("</testsuite></testsuites>\n");

        private byte[] _current = Head;
        private int _at;
        private int _written;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_at == _current.Length)
            {
                if (_current == Tail)
                {
                    return 0;
                }

                _current = _written < cases ? Encoding.UTF8.GetBytes($"<testcase classname=\"tests.other{_written % 977}\" name=\"test_generated_{_written}\" time=\"0.001\"/>\n") : Tail;
                _written++;
                _at = 0;
            }

            int n = Math.Min(count, _current.Length - _at);
            Array.Copy(_current, _at, buffer, offset, n);
            _at += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
