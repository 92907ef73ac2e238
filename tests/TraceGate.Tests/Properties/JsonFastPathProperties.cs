using System.Text;
using System.Text.Json;
using CsCheck;
using FluentAssertions;
using TraceGate.Core.Otlp;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Properties;

/// <summary>
/// The hand-written JSON lines path (parallel chunks, <c>OtlpJsonFastPath</c>) agrees with the exact reader
/// (<c>Utf8JsonReader</c>) on every input: the same spans with the same offsets, or the same error. Inputs are real
/// OTLP JSON lines and the same bytes with one mutation (a byte deleted, inserted or replaced), so the fast path's
/// give-up rules are exercised at every position.
/// </summary>
public sealed class JsonFastPathProperties
{
    private static readonly byte[] Interesting = "\"\\{}[],: \n\t0-+e.u1a/".Select(c => (byte)c).Concat(new byte[] { 0x01, 0x1f, 0x7f, 0x80, 0xC3, 0xFF }).ToArray();

    private static readonly Gen<Span> SpanGen =
        Gen.Select(Gen.OneOf("validate", "apply", "POST /transfer", "ünï", "a\"b", "tab\there", ""), Gen.ULong[0, 50], Gen.ULong[0, 50], Gen.Long[-5, 100_000_000], Gen.Int[0, 4])
            .Select((name, id, parent, duration, events) =>
            {
                var s = Otlp.Span(name, id, parent, durationMs: 0);
                s.EndTimeUnixNano = (ulong)((long)s.StartTimeUnixNano + duration);
                s.Kind = (Span.Types.SpanKind)(id % 6);
                s.Attributes.Add(new KeyValue { Key = "transfer.fee", Value = new AnyValue { DoubleValue = duration / 7.0 } });
                s.Attributes.Add(new KeyValue { Key = "transfer.amount", Value = new AnyValue { IntValue = (long)id - 10 } });
                s.Attributes.Add(new KeyValue { Key = "ok", Value = new AnyValue { BoolValue = id % 2 == 0 } });
                s.Attributes.Add(Otlp.Attr("transfer.from", name + "@example.com"));
                s.Attributes.Add(Otlp.Attr("unwanted", "x\\y\"z"));
                foreach (var e in new[] { "fee_debit", "debit", "credit", "invariant.violation" }.Take(events))
                {
                    var ev = new Span.Types.Event { Name = e, TimeUnixNano = s.StartTimeUnixNano + (ulong)s.Events.Count };
                    ev.Attributes.Add(Otlp.Attr("account", "acct-" + id));
                    s.Events.Add(ev);
                }

                // Span links (to the parent's trace, or another one): every reader must keep them alike.
                for (ulong k = 0; k < id % 3; k++)
                {
                    var linked = new byte[8];
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(linked, parent + k + 1);
                    var link = new Span.Types.Link { TraceId = k == 0 ? s.TraceId : Google.Protobuf.ByteString.CopyFrom(Enumerable.Repeat((byte)(k + 7), 16).ToArray()), SpanId = Google.Protobuf.ByteString.CopyFrom(linked) };
                    link.Attributes.Add(Otlp.Attr("opentracing.ref_type", "follows_from"));
                    s.Links.Add(link);
                }

                if (events == 4)
                {
                    s.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" };
                }

                return s;
            });

    private static readonly Gen<byte[]> Lines = SpanGen.Array[1, 12].Array[1, 4].Select(batches =>
    {
        var sb = new StringBuilder();
        foreach (var spans in batches)
        {
            var request = ExportTraceServiceRequest.Parser.ParseFrom(Otlp.Request(spans));
            using var json = new MemoryStream();
            using (var w = new Utf8JsonWriter(json))
            {
                OtlpJsonCodec.Write(w, request);
            }

            sb.Append(Encoding.UTF8.GetString(json.ToArray())).Append('\n');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    });

    private static readonly Gen<ReadOptions> OptionsGen = Gen.OneOf(
        Gen.Const(new ReadOptions()),
        Gen.Const(new ReadOptions { AttributeKeys = new HashSet<string> { "transfer.fee", "transfer.amount" } }),
        Gen.Const(new ReadOptions { AttributeKeys = new HashSet<string> { "transfer.from" }, AllStringValues = true }));

    private static string Outcome(Action<ISpanSink> read)
    {
        var sink = new OffsetCollector();
        try
        {
            read(sink);
            return string.Join("\n", sink.Spans);
        }
        catch (TraceInputException e)
        {
            return "error: " + e.Message;
        }
    }

    private static void Agree(byte[] input, ReadOptions options)
    {
        var exact = Outcome(sink => new OtlpJsonReader(options, sink).Read(new MemoryStream(input), "t.jsonl"));
        var fast = Outcome(sink => new JsonLinesReader(options, sink, workers: 2).Read(new MemoryStream(input), "t.jsonl"));
        fast.Should().Be(exact, "input: " + Encoding.UTF8.GetString(input));
    }

    [Fact]
    public void FastPath_OnOtlpJsonLines_ReadsWhatTheExactReaderReads()
    {
        Gen.Select(Lines, OptionsGen).Sample((input, options) => Agree(input, options), iter: 400);
    }

    [Fact]
    public void FastPath_OnMutatedJsonLines_AgreesWithTheExactReaderOrGivesUp()
    {
        Gen.Select(Lines, OptionsGen, Gen.Int[0, 2], Gen.Double[0, 1], Gen.Int[0, Interesting.Length - 1]).Sample((input, options, op, where, pick) =>
        {
            int at = (int)(where * (input.Length - 1));
            byte b = Interesting[pick];
            byte[] mutated = op switch
            {
                0 => [.. input[..at], .. input[(at + 1)..]],
                1 => [.. input[..at], b, .. input[at..]],
                _ => [.. input[..at], b, .. input[(at + 1)..]],
            };
            Agree(mutated, options);
        }, iter: 3000);
    }

    [Fact]
    public void FastPath_OnThePaymentsFixtures_ReadsWhatTheExactReaderReads()
    {
        foreach (var name in new[] { "good.jsonl", "buggy.jsonl", "slow.jsonl", "baseline.jsonl" })
        {
            Agree(File.ReadAllBytes(Repo.Fixture("Traces/Fixtures/payments/" + name)), new ReadOptions { AllStringValues = true });
        }
    }

    /// <summary>Everything a sink can see of a span, its place in the file included.</summary>
    private sealed class OffsetCollector : ISpanSink
    {
        public List<string> Spans { get; } = [];

        public void OnSpan(SpanData span) => Spans.Add(
            $"@{span.Offset} {SpanCollector.Describe(span)} estr=[{string.Join(",", span.EventStrings.Select(e => e.Key + "=" + e.Value))}] "
            + $"res=[{string.Join(",", span.Resource.Attributes.Select(a => $"{a.Key}={a.Value.Type}:{a.Value}"))}]");
    }
}
