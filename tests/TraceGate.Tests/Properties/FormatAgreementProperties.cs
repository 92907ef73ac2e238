using System.Text.Json;
using CsCheck;
using FluentAssertions;
using Google.Protobuf;
using TraceGate.Core.Gates;
using TraceGate.Core.Otlp;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Rules;

namespace TraceGate.Tests.Properties;

/// <summary>OTLP protobuf and OTLP JSON of the same spans read the same and get the same verdict.</summary>
public sealed class FormatAgreementProperties
{
    private static readonly TracesPolicy Policy = PolicyLoader.Load("p", File.ReadAllText(Path.Combine(Repo.Example, ".tracegate.yml"))).Policy!.Traces;

    private static readonly Gen<Span> SpanGen =
        Gen.Select(Gen.OneOf("validate", "apply", "POST /transfer", "ünï", "a\"b"), Gen.ULong[1, 50], Gen.ULong[0, 50], Gen.Long[0, 100_000_000], Gen.Int[0, 4])
            .Select((name, id, parent, duration, events) =>
            {
                var s = Otlp.Span(name, id, parent, durationMs: 0);
                s.EndTimeUnixNano = s.StartTimeUnixNano + (ulong)duration;
                s.Attributes.Add(new KeyValue { Key = "transfer.fee", Value = new AnyValue { DoubleValue = duration / 7.0 } });
                s.Attributes.Add(new KeyValue { Key = "transfer.amount", Value = new AnyValue { IntValue = (long)id - 10 } });
                s.Attributes.Add(Otlp.Attr("transfer.from", name));
                foreach (var e in new[] { "fee_debit", "debit", "credit", "invariant.violation" }.Take(events))
                {
                    s.Events.Add(new Span.Types.Event { Name = e, TimeUnixNano = s.StartTimeUnixNano + (ulong)s.Events.Count });
                }

                if (events == 4)
                {
                    s.Status = new Status { Code = Status.Types.StatusCode.Error };
                }

                return s;
            });

    private static (List<string> Spans, List<string> Verdict) Judge(byte[] bytes)
    {
        var collector = new SpanCollector();
        SpanCollector.ReadBytes(bytes, collector);
        var engine = new RuleEngine(Policy);
        SpanCollector.ReadBytes(bytes, engine, new ReadOptions { AttributeKeys = RuleEngine.KeysNeeded(Policy) });
        engine.Finish();
        var verdict = TraceGates.Evaluate(Policy, engine, null).Select(c => $"{c.Id} {c.Outcome} {c.Message} {string.Join("|", c.Offenders)}").ToList();
        return (collector.Spans, verdict);
    }

    [Fact]
    public void ProtobufAndJson_OfTheSameSpans_GiveTheSameSpansAndVerdict()
    {
        SpanGen.Array[1, 40].Sample(spans =>
        {
            var request = ExportTraceServiceRequest.Parser.ParseFrom(Otlp.Request(spans));
            using var json = new MemoryStream();
            using (var w = new Utf8JsonWriter(json))
            {
                OtlpJsonCodec.Write(w, request);
            }

            var fromProto = Judge(request.ToByteArray());
            var fromJson = Judge(json.ToArray());
            fromJson.Spans.Should().Equal(fromProto.Spans);
            fromJson.Verdict.Should().Equal(fromProto.Verdict);
        }, iter: 300);
    }
}
