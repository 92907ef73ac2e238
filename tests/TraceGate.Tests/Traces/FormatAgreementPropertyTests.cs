using System.Text;
using System.Text.Json;
using FluentAssertions;
using Google.Protobuf;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Otlp;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using TraceGate.Core.Rules;

namespace TraceGate.Tests.Traces;

/// <summary>
/// A property over generated span sets: the same spans written as OTLP protobuf, as Jaeger JSON (the UI model, as
/// the OpenTelemetry specification's OpenTelemetry-to-Jaeger rules write them) and as Zipkin v2 JSON (the
/// OpenTelemetry-to-Zipkin rules, for the fields Zipkin has: its tags are strings, so that run's attributes are
/// strings on the OTLP side too) give the same verdict under the payments policy: every check's id, outcome,
/// message and offenders. Times are whole microseconds, the resolution Jaeger and Zipkin have. The generator is
/// checked to produce both passing and failing runs, so agreement means something.
/// </summary>
public sealed class FormatAgreementPropertyTests
{
    private const int Sets = 300;

    private static readonly string[] Names = ["validate", "apply", "POST /transfer", "debit"];
    private static readonly string[] EventNames = ["fee_debit", "debit", "credit", "invariant.violation"];

    private static readonly TracesPolicy Policy = LoadPolicy();

    private sealed record GenEvent(string Name, long Micros, string? Note);

    private sealed record GenSpan(byte[] TraceId, ulong SpanId, ulong Parent, string Name, SpanKind Kind, long StartMicros, long DurationMicros,
        StatusCode Status, string Service, List<(string Key, object Value)> Attributes, List<GenEvent> Events);

    [Fact]
    public void SameSpans_AsOtlpJaegerAndZipkin_GiveTheSameVerdict()
    {
        var random = new Random(20261201);
        int passed = 0, failed = 0;
        for (int set = 0; set < Sets; set++)
        {
            bool stringsOnly = set % 2 == 1;
            var spans = Generate(random, stringsOnly);
            var otlp = Verdict(OtlpBytes(spans), "set.pb");
            var jaeger = Verdict(JaegerBytes(spans), "set.jaeger.json");
            jaeger.Should().Equal(otlp, $"set {set} as Jaeger JSON differs in: {string.Join(" | ", jaeger.Except(otlp))}");
            if (stringsOnly)
            {
                var zipkin = Verdict(ZipkinBytes(spans), "set.zipkin.json");
                zipkin.Should().Equal(otlp, $"set {set} as Zipkin JSON differs in: {string.Join(" | ", zipkin.Except(otlp))}");
            }

            if (otlp.All(c => !c.EndsWith(":Fail", StringComparison.Ordinal) || c.StartsWith("traces.files", StringComparison.Ordinal)))
            {
                passed++;
            }
            else
            {
                failed++;
            }
        }

        passed.Should().BeGreaterThan(Sets / 20, "the generator makes passing span sets");
        failed.Should().BeGreaterThan(Sets / 20, "the generator makes failing span sets");
    }

    private static TracesPolicy LoadPolicy()
    {
        var loaded = PolicyLoader.Load(".tracegate.yml", File.ReadAllText(Path.Combine(Repo.Example, ".tracegate.yml")));
        loaded.Errors.Should().BeEmpty();
        return loaded.Policy!.Traces;
    }

    /// <summary>Every check as one comparable line, offenders included (in sorted order: each format lists the
    /// spans in its own order, by resource in OTLP, by trace in Jaeger).</summary>
    private static List<string> Verdict(byte[] file, string name)
    {
        var engine = new RuleEngine(Policy);
        SpanCollector.ReadBytes(file, engine, new ReadOptions { AttributeKeys = RuleEngine.KeysNeeded(Policy), AllStringValues = true }, name);
        engine.Finish();
        return TraceGates.Evaluate(Policy, engine, null)
            .Select(c => $"{c.Id} {c.Message} [{string.Join("; ", c.Offenders.Select(o => $"{o.TraceId}/{o.SpanId}/{o.SpanName}: {o.Problem}").Order(StringComparer.Ordinal))}]:{c.Outcome}")
            .ToList();
    }

    private static List<GenSpan> Generate(Random random, bool stringsOnly) =>
        Ordered(random.Next(3) == 0 ? Transfers(random, stringsOnly) : Noise(random, stringsOnly));

    /// <summary>Transfers as the payments service makes them (a server request with validate and apply inside),
    /// each broken in one way now and then: these are the sets that pass, or fail on one thing.</summary>
    private static List<GenSpan> Transfers(Random random, bool stringsOnly)
    {
        var spans = new List<GenSpan>();
        ulong id = (ulong)random.NextInt64(1, long.MaxValue / 2);
        long start = 1_795_168_800_000_000L + random.Next(0, 1_000_000);
        for (int t = random.Next(1, 5); t > 0; t--)
        {
            var traceId = new byte[16];
            random.NextBytes(traceId);
            traceId[0] |= 1;
            int broken = random.Next(12);
            ulong root = id++;
            spans.Add(new GenSpan(traceId, root, 0, "POST /transfer", broken == 0 ? SpanKind.Internal : SpanKind.Server, start, 20_000, StatusCode.Unset, "transfer-svc", [], []));
            spans.Add(new GenSpan(traceId, id++, root, "validate", SpanKind.Internal, start + 10, 1_000, StatusCode.Unset, "transfer-svc",
                broken == 1 ? [("transfer.from", "acct-1")] : [("transfer.from", "acct-1"), ("transfer.fee", stringsOnly ? "0.5" : 0.5), ("transfer.amount", stringsOnly ? "25" : 25L)], []));
            string[] order = broken == 2 ? ["debit", "fee_debit", "credit"] : ["fee_debit", "debit", "credit"];
            spans.Add(new GenSpan(traceId, id++, root, "apply", SpanKind.Internal, start + 2_000, broken == 3 ? 400_000 : random.Next(1_000, 10_000),
                broken == 4 ? StatusCode.Error : StatusCode.Ok, "transfer-svc", [], order.Select((n, i) => new GenEvent(n, start + 2_001 + i, null)).ToList()));
            start += 50_000;
        }

        return spans;
    }

    private static List<GenSpan> Noise(Random random, bool stringsOnly)
    {
        var spans = new List<GenSpan>();
        int traces = random.Next(1, 4);
        ulong nextId = (ulong)random.NextInt64(1, long.MaxValue / 2);
        long baseMicros = 1_795_168_800_000_000L;
        for (int t = 0; t < traces; t++)
        {
            var traceId = new byte[16];
            random.NextBytes(traceId);
            traceId[0] |= 1;
            var inTrace = new List<ulong>();
            int count = random.Next(1, 9);
            for (int i = 0; i < count; i++)
            {
                ulong id = nextId++;
                ulong parent = inTrace.Count == 0 || random.Next(5) == 0 ? 0 : inTrace[random.Next(inTrace.Count)];
                inTrace.Add(id);
                string name = Names[random.Next(Names.Length)];
                var kind = (SpanKind)random.Next(0, 6);
                long start = baseMicros + random.Next(0, 5_000_000);
                long duration = random.Next(0, 4) == 0 ? random.Next(20_000, 300_000) : random.Next(1, 20_000);
                var attributes = new List<(string, object)>();
                if (random.Next(4) != 0)
                {
                    attributes.Add(("transfer.from", "acct-" + random.Next(100)));
                }

                if (random.Next(4) != 0)
                {
                    attributes.Add(("transfer.fee", stringsOnly ? "0.5" : (object)0.5));
                }

                if (random.Next(4) != 0)
                {
                    long amount = random.Next(-5, 500);
                    attributes.Add(("transfer.amount", stringsOnly ? amount.ToString(System.Globalization.CultureInfo.InvariantCulture) : amount));
                }

                if (random.Next(10) == 0)
                {
                    attributes.Add(("customer.contact", "someone@example.com"));
                }

                var events = new List<GenEvent>();
                int eventCount = random.Next(0, 4);
                var order = EventNames.Take(3).ToList();
                if (random.Next(3) == 0)
                {
                    order.Reverse();
                }

                for (int e = 0; e < eventCount; e++)
                {
                    string eventName = random.Next(12) == 0 ? EventNames[3] : order[e];
                    // Zipkin has no event attributes: only the Jaeger runs carry a note.
                    string? note = !stringsOnly && random.Next(8) == 0 ? "card 4111 1111 1111 1111" : null;
                    events.Add(new GenEvent(eventName, start + e + 1, note));
                }

                var status = (StatusCode)random.Next(0, 3);
                string service = random.Next(3) == 0 ? "ledger-svc" : "transfer-svc";
                spans.Add(new GenSpan(traceId, id, parent, name, kind, start, duration, status, service, attributes, events));
            }
        }

        return spans;
    }

    /// <summary>One order for every format: Jaeger groups spans by trace and OTLP by resource, and the report lists
    /// problems in the order spans came; by trace, then service, every writer below keeps it.</summary>
    private static List<GenSpan> Ordered(List<GenSpan> spans)
    {
        return spans.Select((s, i) => (s, i)).OrderBy(x => traceOrder(x.s.TraceId)).ThenBy(x => x.s.Service, StringComparer.Ordinal).ThenBy(x => x.i)
            .Select(x => x.s).ToList();

        int traceOrder(byte[] id) => spans.FindIndex(s => s.TraceId == id);
    }

    private static byte[] OtlpBytes(List<GenSpan> spans)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var group in spans.GroupBy(s => (Convert.ToHexStringLower(s.TraceId), s.Service)))
        {
            var rs = new ResourceSpans { Resource = new Resource() };
            rs.Resource.Attributes.Add(Otlp.Attr("service.name", group.Key.Service));
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "gen" } };
            foreach (var g in group)
            {
                var s = new Span
                {
                    TraceId = ByteString.CopyFrom(g.TraceId),
                    SpanId = ByteString.CopyFrom(Otlp.Id(g.SpanId)),
                    Name = g.Name,
                    Kind = (Span.Types.SpanKind)(int)g.Kind,
                    StartTimeUnixNano = (ulong)g.StartMicros * 1000,
                    EndTimeUnixNano = (ulong)(g.StartMicros + g.DurationMicros) * 1000,
                    Status = new Status { Code = (Status.Types.StatusCode)(int)g.Status },
                };
                if (g.Parent != 0)
                {
                    s.ParentSpanId = ByteString.CopyFrom(Otlp.Id(g.Parent));
                }

                foreach (var (key, value) in g.Attributes)
                {
                    s.Attributes.Add(new KeyValue { Key = key, Value = value switch
                    {
                        string text => new AnyValue { StringValue = text },
                        long n => new AnyValue { IntValue = n },
                        _ => new AnyValue { DoubleValue = (double)value },
                    } });
                }

                foreach (var e in g.Events)
                {
                    var ev = new Span.Types.Event { Name = e.Name, TimeUnixNano = (ulong)e.Micros * 1000 };
                    if (e.Note is not null)
                    {
                        ev.Attributes.Add(Otlp.Attr("note", e.Note));
                    }

                    s.Events.Add(ev);
                }

                scope.Spans.Add(s);
            }

            rs.ScopeSpans.Add(scope);
            request.ResourceSpans.Add(rs);
        }

        return request.ToByteArray();
    }

    /// <summary>specification sdk_exporters/jaeger.md: kind as the span.kind tag (none for UNSPECIFIED); status ERROR
    /// as error=true and otel.status_code, OK as otel.status_code; the parent as a CHILD_OF reference; events as logs
    /// with an "event" field; the resource as the process.</summary>
    private static byte[] JaegerBytes(List<GenSpan> spans)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var trace in spans.GroupBy(s => Convert.ToHexStringLower(s.TraceId)))
            {
                var services = trace.Select(s => s.Service).Distinct().ToList();
                w.WriteStartObject();
                w.WriteString("traceID", trace.Key);
                w.WriteStartArray("spans");
                foreach (var s in trace)
                {
                    w.WriteStartObject();
                    w.WriteString("traceID", trace.Key);
                    w.WriteString("spanID", SpanData.SpanIdText(s.SpanId));
                    w.WriteString("operationName", s.Name);
                    w.WriteStartArray("references");
                    if (s.Parent != 0)
                    {
                        w.WriteStartObject();
                        w.WriteString("refType", "CHILD_OF");
                        w.WriteString("traceID", trace.Key);
                        w.WriteString("spanID", SpanData.SpanIdText(s.Parent));
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteNumber("startTime", s.StartMicros);
                    w.WriteNumber("duration", s.DurationMicros);
                    w.WriteStartArray("tags");
                    foreach (var (key, value) in s.Attributes)
                    {
                        Tag(w, key, value);
                    }

                    if (s.Kind != SpanKind.Unspecified)
                    {
                        Tag(w, "span.kind", s.Kind.ToString().ToLowerInvariant());
                    }

                    if (s.Status == StatusCode.Error)
                    {
                        Tag(w, "error", true);
                    }

                    if (s.Status != StatusCode.Unset)
                    {
                        Tag(w, "otel.status_code", s.Status.ToString().ToUpperInvariant());
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("logs");
                    foreach (var e in s.Events)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("timestamp", e.Micros);
                        w.WriteStartArray("fields");
                        Tag(w, "event", e.Name);
                        if (e.Note is not null)
                        {
                            Tag(w, "note", e.Note);
                        }

                        w.WriteEndArray();
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteString("processID", "p" + (services.IndexOf(s.Service) + 1));
                    w.WriteNull("warnings");
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                // The UI model writes processes after the spans that name them.
                w.WriteStartObject("processes");
                for (int i = 0; i < services.Count; i++)
                {
                    w.WriteStartObject("p" + (i + 1));
                    w.WriteString("serviceName", services[i]);
                    w.WriteStartArray("tags");
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteNull("warnings");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("total", 0);
            w.WriteNumber("limit", 0);
            w.WriteNumber("offset", 0);
            w.WriteNull("errors");
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Tag(Utf8JsonWriter w, string key, object value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        switch (value)
        {
            case string text:
                w.WriteString("type", "string");
                w.WriteString("value", text);
                break;
            case bool b:
                w.WriteString("type", "bool");
                w.WriteBoolean("value", b);
                break;
            case long n:
                w.WriteString("type", "int64");
                w.WriteNumber("value", n);
                break;
            default:
                w.WriteString("type", "float64");
                w.WriteNumber("value", (double)value);
                break;
        }

        w.WriteEndObject();
    }

    /// <summary>specification sdk_exporters/zipkin.md: kind CLIENT/SERVER/PRODUCER/CONSUMER (INTERNAL as no kind, with
    /// the span.kind tag the Collector reads back); status as otel.status_code and, for ERROR, the error tag; the
    /// service as localEndpoint.serviceName; events as annotations.</summary>
    private static byte[] ZipkinBytes(List<GenSpan> spans)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var s in spans)
            {
                w.WriteStartObject();
                w.WriteString("traceId", Convert.ToHexStringLower(s.TraceId));
                w.WriteString("id", SpanData.SpanIdText(s.SpanId));
                if (s.Parent != 0)
                {
                    w.WriteString("parentId", SpanData.SpanIdText(s.Parent));
                }

                if (s.Kind is SpanKind.Client or SpanKind.Server or SpanKind.Producer or SpanKind.Consumer)
                {
                    w.WriteString("kind", s.Kind.ToString().ToUpperInvariant());
                }

                w.WriteString("name", s.Name);
                w.WriteNumber("timestamp", s.StartMicros);
                w.WriteNumber("duration", s.DurationMicros);
                w.WriteStartObject("localEndpoint");
                w.WriteString("serviceName", s.Service);
                w.WriteEndObject();
                w.WriteStartArray("annotations");
                foreach (var e in s.Events)
                {
                    w.WriteStartObject();
                    w.WriteNumber("timestamp", e.Micros);
                    w.WriteString("value", e.Name);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartObject("tags");
                foreach (var (key, value) in s.Attributes)
                {
                    w.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                }

                if (s.Kind == SpanKind.Internal)
                {
                    w.WriteString("span.kind", "internal");
                }

                if (s.Status != StatusCode.Unset)
                {
                    w.WriteString("otel.status_code", s.Status.ToString().ToUpperInvariant());
                }

                if (s.Status == StatusCode.Error)
                {
                    w.WriteString("error", "true");
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return buffer.ToArray();
    }
}
