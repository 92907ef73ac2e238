using CsCheck;
using FluentAssertions;
using Google.Protobuf;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Rules;

namespace TraceGate.Tests.Properties;

/// <summary>
/// A policy round-trips through <c>tracegate init</c>: whatever span names, attribute keys, events and durations a
/// run holds (quotes, colons, hashes, brackets, Unicode, YAML keywords), the drafted policy loads without an error
/// and passes on the very run it was drafted from.
/// </summary>
public sealed class InitRoundTripProperties
{
    private static readonly Gen<string> Name = Gen.OneOf(
        Gen.OneOf("apply", "validate", "POST /transfer", "a'b", "a\"b", "key: value", "# not a comment", "[x]", "{y}", "yes", "null", "~",
            "- dash", "ünï", "span[name=\"x\"]", "a>b", " padded ", "tab\there", "@mention", "*", "&anchor", "!tag", "%", "|", "100"),
        Gen.String[1, 12]);

    private static readonly Gen<Span> SpanGen =
        Gen.Select(Name, Gen.ULong[1, 1_000_000], Gen.Long[0, 50_000_000], Gen.Int[0, 3], Name)
            .Select((name, id, duration, events, key) =>
            {
                var s = Otlp.Span(name, id, durationMs: 0);
                s.EndTimeUnixNano = s.StartTimeUnixNano + (ulong)duration;
                s.Attributes.Add(Otlp.Attr(key, "v"));
                s.Attributes.Add(new KeyValue { Key = "amount", Value = new AnyValue { IntValue = (long)id } });
                foreach (var e in new[] { "fee_debit", key, "credit" }.Take(events))
                {
                    s.Events.Add(new Span.Types.Event { Name = e, TimeUnixNano = s.StartTimeUnixNano + (ulong)s.Events.Count });
                }

                return s;
            });

    [Fact]
    public void Init_DraftOfARunWhoseOnlyNameHasBothQuotes_LoadsWithNoRule()
    {
        // Found by the property below (seed bEOV7fywGSV2, in a run of 6,000 cases; 300 meet it only now and then, so
        // it passed on rerun and looked flaky): with every name skipped, the draft
        // said "rules:" over a comment, which YAML reads as null and the loader refused.
        var s = Otlp.Span("a]f9'X\"eNy2", 1);
        var summary = new SpanSummary();
        SpanCollector.ReadBytes(Otlp.Request(s), summary);
        var yaml = PolicyDraft.Render(summary, "traces/*");

        yaml.Should().Contain("  rules: []\n    # skipped a span name with both quote characters\n");
        var loaded = PolicyLoader.Load(".tracegate.yml", yaml);
        loaded.Errors.Should().BeEmpty(yaml);
        loaded.Policy!.Traces.Rules.Should().BeEmpty();
    }

    [Fact]
    public void Init_DraftOfAnyRun_LoadsAndPassesOnThatRun()
    {
        SpanGen.Array[1, 30].Sample(spans =>
        {
            // Span ids must be unique for the run to be well formed.
            for (int i = 0; i < spans.Length; i++)
            {
                spans[i].SpanId = ByteString.CopyFrom(Otlp.Id((ulong)i + 1));
            }

            var bytes = Otlp.Request(spans);
            var summary = new SpanSummary();
            SpanCollector.ReadBytes(bytes, summary);
            var yaml = PolicyDraft.Render(summary, "traces/*");

            var loaded = PolicyLoader.Load(".tracegate.yml", yaml);
            loaded.Errors.Should().BeEmpty(yaml);
            var policy = loaded.Policy!.Traces;
            int drafted = spans.Select(s => s.Name).Distinct().Count(n => !(n.Contains('"', StringComparison.Ordinal) && n.Contains('\'', StringComparison.Ordinal)));
            policy.Rules.Should().HaveCount(drafted, "one rule per span name (a name with both quote characters is skipped, and says so)");

            var engine = new RuleEngine(policy);
            SpanCollector.ReadBytes(bytes, engine, new ReadOptions { AttributeKeys = RuleEngine.KeysNeeded(policy), AllStringValues = policy.RedactionForbid.Count > 0 });
            engine.Finish();
            var failing = TraceGates.Evaluate(policy, engine, null).Where(c => c.Outcome == Outcome.Fail).Select(c => $"{c.Id}: {c.Message}").ToList();
            failing.Should().BeEmpty(yaml);
        }, iter: 300);
    }
}
