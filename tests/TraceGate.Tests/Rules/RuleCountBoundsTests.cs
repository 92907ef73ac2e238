using System.Globalization;
using System.Text;
using FluentAssertions;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Otlp;
using TraceGate.Core.Policy;
using TraceGate.Core.Rules;
using TraceGate.Core.Traces;

namespace TraceGate.Tests.Rules;

/// <summary>
/// A policy at its size limit (256 KiB: 2,351 rules) over 10,000 spans, every selected span breaking every rule.
/// The engine once wrote every problem's texts for every span and rule and kept them in the judgements until the
/// span was applied, with the JSON lines reader's whole file in flight: 101 s and 5.9 GiB (bench/bounds.sh). The
/// kinds now judge a span into failure bits, and texts are written only for what a run keeps. The timeout guards
/// against the hang; how fast it is, is measured by bench/bounds.sh, not asserted here. What the run allocates is
/// asserted: with one JSON worker the whole run is on one thread, so the thread's count is exact (no other test's).
/// </summary>
public sealed class RuleCountBoundsTests
{
    /// <summary>The policy of bench/bounds_gen.py: as many rules as fit in 256 KiB.</summary>
    private static (string Yaml, int Rules) Policy()
    {
        var yaml = new StringBuilder("version: 1\ntraces:\n  files: ['t.jsonl']\n  rules:\n");
        int rules = 0;
        while (yaml.Length + 200 < 256 * 1024)
        {
            yaml.Append("    - select: 'span[name=\"apply\"]'\n      count: '>= 0'\n      attributes: { transfer.fee: exists, k")
                .Append(rules++).Append(": '> 0' }\n");
        }

        return (yaml.ToString(), rules);
    }

    /// <summary>Traces of a root and an apply span, one OTLP JSON request per line.</summary>
    private static byte[] JsonLines(int traces)
    {
        static string Hex(int n, int digits) => n.ToString("x" + digits, CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        for (int t = 1; t <= traces; t++)
        {
            string trace = Hex(t, 32);
            sb.Append("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"transfer-svc\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"bounds\"},\"spans\":[")
                .Append("{\"traceId\":\"").Append(trace).Append("\",\"spanId\":\"").Append(Hex((2 * t) - 1, 16))
                .Append("\",\"name\":\"req\",\"kind\":1,\"startTimeUnixNano\":\"1795168800000000000\",\"endTimeUnixNano\":\"1795168800001000000\"},")
                .Append("{\"traceId\":\"").Append(trace).Append("\",\"spanId\":\"").Append(Hex(2 * t, 16))
                .Append("\",\"parentSpanId\":\"").Append(Hex((2 * t) - 1, 16))
                .Append("\",\"name\":\"apply\",\"kind\":1,\"startTimeUnixNano\":\"1795168800000000000\",\"endTimeUnixNano\":\"1795168800001000000\"")
                .Append(t % 1000 == 7 ? ",\"attributes\":[{\"key\":\"transfer.fee\",\"value\":{\"intValue\":\"3\"}}]" : "")
                .Append("}]}]}]}\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Evaluate_PolicyAtItsSizeLimitOverTenThousandFailingSpans_FinishesWithEveryCountAndTheFirstOffenders()
    {
        var (yaml, rules) = Policy();
        var loaded = PolicyLoader.Load("p.yml", yaml);
        loaded.Errors.Should().BeEmpty();
        var policy = loaded.Policy!.Traces;
        policy.Rules.Should().HaveCount(rules).And.HaveCountGreaterThan(2300);

        var input = JsonLines(5000);
        var (checks, allocated) = await Task.Run(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var engine = new RuleEngine(policy);
            using var stream = new MemoryStream(input);
            TraceFileReader.Read("t.jsonl", stream, new ReadOptions { AttributeKeys = RuleEngine.KeysNeeded(policy), Workers = 1 }, engine);
            engine.Finish();
            var all = TraceGates.Evaluate(policy, engine, null).Where(c => c.Id.StartsWith("traces.", StringComparison.Ordinal) && c.Spans > 0).ToList();
            return (all, GC.GetAllocatedBytesForCurrentThread() - before);
        });

        // Writing every problem's text of every span and rule allocated 8.8 GB here; bits and the kept texts, 50 MB.
        allocated.Should().BeLessThan(512L << 20, "texts are written for what the runs keep, not for every problem");
        checks.Should().HaveCount(rules);
        string Trace(int t) => t.ToString("x32", CultureInfo.InvariantCulture);
        for (int i = 0; i < rules; i += 97)
        {
            var c = checks[i];
            c.Outcome.Should().Be(Outcome.Fail);
            c.Spans.Should().Be(5000);

            // Traces 7, 1007 ... 4007 carry transfer.fee: five spans break the rule one way only.
            c.Message.Should().Be($"5000 of 5000 spans break the rule: missing attribute transfer.fee (4995), missing attribute k{i} (5000)");
            c.Offenders.Should().HaveCount(RuleRun.MaxOffenders, "the first ten in file order; no span after them has a kind not seen");
            c.Offenders[0].Should().Be(new Offender(Trace(1), "0000000000000002", "apply",
                $"missing attribute transfer.fee; missing attribute k{i} (expected > 0)"));
            c.Offenders[6].Should().Be(new Offender(Trace(7), "000000000000000e", "apply", $"missing attribute k{i} (expected > 0)"));
            c.Offenders[^1].SpanId.Should().Be("0000000000000014");
            c.Groups.Should().HaveCount(2);
            c.Groups[0].Should().BeEquivalentTo(new { Problem = $"missing attribute transfer.fee; missing attribute k{i} (expected > 0)", Spans = 4995L });
            c.Groups[0].Examples.Select(e => e.TraceId).Should().Equal(Trace(1), Trace(2), Trace(3));
            c.Groups[1].Should().BeEquivalentTo(new { Problem = $"missing attribute k{i} (expected > 0)", Spans = 5L });
            c.Groups[1].Examples.Select(e => e.TraceId).Should().Equal(Trace(7), Trace(1007), Trace(2007));
        }
    }
}
