using System.Buffers.Binary;
using FluentAssertions;
using Google.Protobuf;
using TraceGate.Core.Gates;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Policy;
using TraceGate.Core.Rules;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using ProtoSpan = TraceGate.Core.Otlp.Proto.Span;

namespace TraceGate.Tests.Traces;

/// <summary>
/// Protobuf read on several workers (chunks of about 1 MiB of ResourceSpans or framed records, judged on the worker
/// threads, handed on in file order) gives the sink and the rules exactly what one thread gives them: the same spans
/// with the same byte offsets, the same rule results in the same order, and the same first error.
/// </summary>
public sealed class ParallelProtobufTests
{
    /// <summary>About 3.3 MiB of requests (several chunks), every trace's spans spread over two requests, children first.</summary>
    private static List<byte[]> Requests()
    {
        var random = new Random(20261216);
        var requests = new List<byte[]>();
        var carried = new List<ProtoSpan>();
        for (int r = 0; r < 80; r++)
        {
            var spans = new List<ProtoSpan>(carried);
            carried.Clear();
            for (int t = 0; t < 120; t++)
            {
                var trace = new byte[16];
                random.NextBytes(trace);
                ulong root = (ulong)random.NextInt64(1, long.MaxValue), child = root + 1, grandchild = root + 2;
                var apply = Otlp.Span(random.Next(50) == 0 ? "apply-retry" : "apply", grandchild, child, durationMs: random.Next(1, 40), traceId: trace);
                apply.Attributes.Add(Otlp.Attr("transfer.amount", random.Next(20) == 0 ? "" : random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                apply.Attributes.Add(Otlp.Attr("note", random.Next(30) == 0 ? "mail jane.doe@example.com" : "ok " + new string('x', random.Next(40))));
                foreach (var e in random.Next(10) == 0 ? new[] { "debit", "fee_debit" } : ["fee_debit", "debit", "credit"])
                {
                    apply.Events.Add(new ProtoSpan.Types.Event { Name = e, TimeUnixNano = apply.StartTimeUnixNano + 1 });
                }

                if (random.Next(3) > 0)
                {
                    apply.Links.Add(new ProtoSpan.Types.Link { TraceId = ByteString.CopyFrom(trace), SpanId = ByteString.CopyFrom(Otlp.Id(child)) });
                }

                var validate = Otlp.Span("validate", child, root, durationMs: random.Next(1, 5), traceId: trace);
                var post = Otlp.Span("POST /transfer", root, durationMs: 50, traceId: trace);
                spans.Add(apply);
                spans.Add(validate);
                // The root comes in the next request for a third of the traces, as an SDK exports a parent that ends later.
                (random.Next(3) == 0 ? carried : spans).Add(post);
            }

            requests.Add(Otlp.Request([.. spans]));
        }

        requests.Add(Otlp.Request([.. carried]));
        return requests;
    }

    private static byte[] Plain(IEnumerable<byte[]> requests) => [.. requests.SelectMany(r => r)];

    private static byte[] Framed(IEnumerable<byte[]> requests) =>
        [.. requests.SelectMany(r =>
        {
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)r.Length);
            return prefix.Concat(r);
        })];

    private sealed class OffsetCollector : ISpanSink
    {
        public List<string> Spans { get; } = [];

        public void OnSpan(SpanData span) => Spans.Add($"{span.Offset} {SpanCollector.Describe(span)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_OnSeveralWorkers_HandsOnTheSpansAndOffsetsOfOneThread(bool framed)
    {
        var file = framed ? Framed(Requests()) : Plain(Requests());
        file.Length.Should().BeGreaterThan(3 * 1024 * 1024, "several chunks");
        var one = new OffsetCollector();
        var info = SpanCollector.ReadBytes(file, one, new ReadOptions { Workers = 1 });
        foreach (int workers in new[] { 2, 4 })
        {
            var many = new OffsetCollector();
            var manyInfo = SpanCollector.ReadBytes(file, many, new ReadOptions { Workers = workers });
            many.Spans.Should().Equal(one.Spans);
            manyInfo.Should().Be(info);
        }

        one.Spans.Should().HaveCount(80 * 120 * 3);
    }

    [Fact]
    public void Rules_OnSeveralWorkers_GiveTheResultsOfOneThread()
    {
        var file = Plain(Requests());
        var policy = PolicyLoader.Load(".tracegate.yml", """
            version: 1
            traces:
              rules:
                - id: validate-under-post
                  select: 'span[name="POST /transfer"] > span[name="validate"]'
                  duration: { p95: '<= 3ms' }
                - id: apply-under-post
                  select: 'span[name="POST /transfer"] span[name="apply"]'
                  events-in-order: [fee_debit, debit, credit]
                  attributes: { transfer.amount: '> 0' }
                  links: '>= 1'
                  duration: { p95: '<= 25ms' }
                - id: retries
                  select: 'span[name="apply-retry"]'
                  count: '== 0'
              redaction:
                forbid: [email]
            """).Policy!.Traces;
        RuleEngine Run(int workers)
        {
            var engine = new RuleEngine(policy);
            var options = new ReadOptions { Workers = workers, AttributeKeys = RuleEngine.KeysNeeded(policy), AllStringValues = true };
            SpanCollector.ReadBytes(file, engine, options);
            engine.Finish();
            return engine;
        }

        var one = Run(1);
        var many = Run(4);
        one.Runs.Should().OnlyContain(r => r.Selected > 0);
        one.Runs[1].FailedSpans.Should().BeGreaterThan(0);
        one.RedactionProblems.Should().BeGreaterThan(0);
        for (int i = 0; i < one.Runs.Count; i++)
        {
            var (a, b) = (one.Runs[i], many.Runs[i]);
            b.Selected.Should().Be(a.Selected);
            b.Durations.Should().Equal(a.Durations);
            b.Offenders.Should().Equal(a.Offenders);
            b.ProblemCounts.Should().Equal(a.ProblemCounts);
            b.Groups().Select(g => (g.Problem, g.Spans, string.Join("|", g.Examples))).Should().Equal(a.Groups().Select(g => (g.Problem, g.Spans, string.Join("|", g.Examples))));
            b.Slowest.Should().Equal(a.Slowest);
            b.FirstSelected.Should().Be(a.FirstSelected);
        }

        many.Redactions.Should().Equal(one.Redactions);
        many.Integrity.Should().Equal(one.Integrity);
        many.SpanNames.Should().Equal(one.SpanNames);
        TraceGates.Evaluate(policy, many, null).Select(c => (c.Id, c.Outcome, c.Message, c.Spans, string.Join("\n", c.Details), string.Join("|", c.Offenders)))
            .Should().Equal(TraceGates.Evaluate(policy, one, null).Select(c => (c.Id, c.Outcome, c.Message, c.Spans, string.Join("\n", c.Details), string.Join("|", c.Offenders))));
    }

    [Theory]
    [InlineData("corrupt")]
    [InlineData("truncated")]
    public void Read_WhenALaterMessageIsBad_RaisesTheErrorOfOneThreadAfterTheSameSpans(string damage)
    {
        var requests = Requests();
        var bad = damage == "corrupt"
            // A span whose trace_id has 3 bytes, in a request past the first chunks, then more good requests.
            ? Plain(requests.Take(50).Append(Otlp.Request(new ProtoSpan { TraceId = ByteString.CopyFrom(1, 2, 3), SpanId = ByteString.CopyFrom(Otlp.Id(7)), Name = "x" })).Concat(requests.Skip(50)))
            : Plain(requests)[..^7];
        string Error(int workers, out int spans)
        {
            var sink = new OffsetCollector();
            var act = () => SpanCollector.ReadBytes(bad, sink, new ReadOptions { Workers = workers });
            var message = act.Should().Throw<TraceInputException>().Which.Message;
            spans = sink.Spans.Count;
            return message;
        }

        string expected = Error(1, out int spansBefore);
        Error(4, out int spansParallel).Should().Be(expected);
        spansParallel.Should().Be(spansBefore);
        expected.Should().StartWith("input.bin: byte offset ");
    }
}
