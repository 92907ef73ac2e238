using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Rules;

// The benchmark's data generator and its two C# peers. Each peer checks the same rules as the bench policy:
// validate carries transfer.from/to/amount/fee; apply has events fee_debit, debit, credit in order and no
// invariant.violation; apply's p95 within 25 ms.
//   generate DIR [TRACES]     write DIR/traces.pb (batched ExportTraceServiceRequests) and DIR/traces.jsonl
//   objectmodel FILE.pb       Google.Protobuf generated classes: parse the whole message, then check
//   dom FILE.jsonl            System.Text.Json DOM (JsonNode) per line, then check
return args switch
{
    ["generate", var dir] => Generate(dir, 200_000),
    ["generate", var dir, var n] => Generate(dir, int.Parse(n, CultureInfo.InvariantCulture)),
    ["objectmodel", var file] => Report(ObjectModel(file)),
    ["dom", var file] => Report(Dom(file)),
    ["profile", var file, var policy] => Profile(file, policy),
    ["tokens", var file] => Tokens(file),
    _ => Usage(),
};

// Where the time goes inside TraceGate: the reader alone (no-op sink), then the reader with the rule engine.
static int Profile(string file, string policyPath)
{
    var policy = TraceGate.Core.Policy.PolicyLoader.Load(policyPath, File.ReadAllText(policyPath)).Policy!.Traces;
    // BENCH_WORKERS=1 shows the one-thread cost of the JSON lines path (the default uses every core).
    int workers = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WORKERS"), out int w) ? w : Environment.ProcessorCount;
    var options = new TraceGate.Core.Traces.ReadOptions { AttributeKeys = TraceGate.Core.Rules.RuleEngine.KeysNeeded(policy), Workers = workers };
    for (int round = 0; round < 3; round++)
    {
        var sw = Stopwatch.StartNew();
        using (var s = File.OpenRead(file))
        {
            TraceGate.Core.Otlp.TraceFileReader.Read(file, s, options, new NoSink());
        }

        var read = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var engine = new TraceGate.Core.Rules.RuleEngine(policy);
        using (var s = File.OpenRead(file))
        {
            TraceGate.Core.Otlp.TraceFileReader.Read(file, s, options, engine);
        }

        engine.Finish();
        Console.WriteLine($"read only {read:0.000} s; read + rules {sw.Elapsed.TotalSeconds:0.000} s; {engine.Spans} spans");
    }

    return 0;
}

// The floor for any Utf8JsonReader-based reader: tokenizing the file and nothing else.
static int Tokens(string file)
{
    for (int round = 0; round < 3; round++)
    {
        var sw = Stopwatch.StartNew();
        long tokens = 0;
        foreach (var line in File.ReadLines(file))
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(line);
            var r = new Utf8JsonReader(bytes);
            while (r.Read())
            {
                tokens++;
            }
        }

        Console.WriteLine($"tokenize only {sw.Elapsed.TotalSeconds:0.000} s, {tokens} tokens");
    }

    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: generate DIR [TRACES] | objectmodel FILE.pb | dom FILE.jsonl");
    return 2;
}

static int Generate(string dir, int traces)
{
    Directory.CreateDirectory(dir);
    var sw = Stopwatch.StartNew();
    var random = new Random(20261125);
    using var pb = File.Create(Path.Combine(dir, "traces.pb"));
    using var jsonl = File.Create(Path.Combine(dir, "traces.jsonl"));
    const int tracesPerBatch = 170; // ~510 spans, the OTel SDKs' default batch size of 512
    long spans = 0;
    for (int start = 0; start < traces; start += tracesPerBatch)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "payments.transfer", Version = "1.4.0" } };
        for (int t = start; t < Math.Min(traces, start + tracesPerBatch); t++)
        {
            foreach (var span in Trace(random, t))
            {
                scope.Spans.Add(span);
                spans++;
            }
        }

        var rs = new ResourceSpans { Resource = new Resource() };
        rs.Resource.Attributes.Add(Str("service.name", "transfer-svc"));
        rs.Resource.Attributes.Add(Str("service.version", "1.4.1"));
        rs.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(rs);
        request.WriteTo(pb);
        WriteJsonLine(jsonl, request);
    }

    Console.WriteLine($"wrote {spans} spans of {traces} traces to {dir} in {sw.Elapsed.TotalSeconds:0.0} s");
    return 0;
}

static IEnumerable<Span> Trace(Random random, int t)
{
    var traceId = new byte[16];
    random.NextBytes(traceId);
    ulong t0 = (ulong)(1_795_168_800_000_000_000L + (t * 1_000_000_000L));
    long amount = 10 + random.Next(990);
    double applyMs = 8 + (random.NextDouble() * 12);
    var root = NewSpan(random, traceId, null, "POST /transfer", Span.Types.SpanKind.Server, t0, t0 + (ulong)((applyMs + 3) * 1e6));
    root.Attributes.Add(Str("http.route", "/transfer"));
    root.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
    var validate = NewSpan(random, traceId, root.SpanId, "validate", Span.Types.SpanKind.Internal, t0 + 1_000_000, t0 + 2_000_000);
    validate.Attributes.Add(Str("transfer.from", "acct-1"));
    validate.Attributes.Add(Str("transfer.to", "acct-2"));
    validate.Attributes.Add(new KeyValue { Key = "transfer.amount", Value = new AnyValue { IntValue = amount } });
    validate.Attributes.Add(new KeyValue { Key = "transfer.fee", Value = new AnyValue { DoubleValue = amount * 0.02 } });
    ulong a0 = t0 + 2_000_000;
    var apply = NewSpan(random, traceId, root.SpanId, "apply", Span.Types.SpanKind.Internal, a0, a0 + (ulong)(applyMs * 1e6));
    apply.Attributes.Add(new KeyValue { Key = "transfer.amount", Value = new AnyValue { IntValue = amount } });
    int k = 1;
    foreach (var e in new[] { "fee_debit", "debit", "credit" })
    {
        var ev = new Span.Types.Event { Name = e, TimeUnixNano = a0 + (ulong)(k++ * applyMs / 4 * 1e6) };
        ev.Attributes.Add(Str("account", e == "credit" ? "acct-2" : "acct-1"));
        apply.Events.Add(ev);
    }

    return [root, validate, apply];
}

static Span NewSpan(Random random, byte[] traceId, ByteString? parent, string name, Span.Types.SpanKind kind, ulong start, ulong end)
{
    var id = new byte[8];
    random.NextBytes(id);
    var s = new Span { TraceId = ByteString.CopyFrom(traceId), SpanId = ByteString.CopyFrom(id), Name = name, Kind = kind, StartTimeUnixNano = start, EndTimeUnixNano = end };
    if (parent is not null)
    {
        s.ParentSpanId = parent;
    }

    return s;
}

static KeyValue Str(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

// OTLP JSON lines, as the Collector's file exporter writes them: TraceGate's own codec (the receiver's jsonl output).
static void WriteJsonLine(Stream output, ExportTraceServiceRequest request)
{
    using (var w = new Utf8JsonWriter(output))
    {
        TraceGate.Core.Otlp.OtlpJsonCodec.Write(w, request);
    }

    output.WriteByte((byte)'\n');
}

static Checked ObjectModel(string file)
{
    // The whole file as one message: what a reader built on the generated classes does.
    var data = TracesData.Parser.ParseFrom(File.ReadAllBytes(file));
    var result = new Checked();
    foreach (var rs in data.ResourceSpans)
    {
        foreach (var ss in rs.ScopeSpans)
        {
            foreach (var s in ss.Spans)
            {
                result.Add(s.Name, s.Attributes.Select(a => a.Key), s.Events.Select(e => e.Name), (long)(s.EndTimeUnixNano - s.StartTimeUnixNano));
            }
        }
    }

    return result;
}

static Checked Dom(string file)
{
    var result = new Checked();
    foreach (var line in File.ReadLines(file))
    {
        if (line.Length == 0)
        {
            continue;
        }

        var doc = JsonNode.Parse(line)!;
        foreach (var rs in doc["resourceSpans"]!.AsArray())
        {
            foreach (var ss in rs!["scopeSpans"]!.AsArray())
            {
                foreach (var s in ss!["spans"]!.AsArray())
                {
                    long start = long.Parse(s!["startTimeUnixNano"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                    long end = long.Parse(s["endTimeUnixNano"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                    result.Add(
                        s["name"]!.GetValue<string>(),
                        s["attributes"]!.AsArray().Select(a => a!["key"]!.GetValue<string>()),
                        s["events"]?.AsArray().Select(e => e!["name"]!.GetValue<string>()) ?? [],
                        end - start);
                }
            }
        }
    }

    return result;
}

static int Report(Checked c)
{
    var sorted = c.ApplyDurations.ToArray();
    Array.Sort(sorted);
    double p95 = sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(0.95 * sorted.Length) - 1, 0, sorted.Length - 1)];
    bool ok = c.Validate > 0 && c.ValidateMissing == 0 && c.ApplyBadOrder == 0 && p95 <= 25e6;
    Console.WriteLine($"{c.Spans} spans; validate {c.Validate} (missing attributes {c.ValidateMissing}); apply {c.ApplyDurations.Count} (bad order {c.ApplyBadOrder}), p95 {p95 / 1e6:0.###} ms: {(ok ? "passed" : "failed")}");
    return ok ? 0 : 1;
}

sealed class Checked
{
    private static readonly string[] Required = ["transfer.from", "transfer.to", "transfer.amount", "transfer.fee"];
    private static readonly string[] Order = ["fee_debit", "debit", "credit"];

    public long Spans;
    public long Validate;
    public long ValidateMissing;
    public long ApplyBadOrder;
    public List<long> ApplyDurations { get; } = [];

    public void Add(string name, IEnumerable<string> attributes, IEnumerable<string> events, long duration)
    {
        Spans++;
        if (name == "validate")
        {
            Validate++;
            var keys = attributes.ToHashSet();
            if (!Required.All(keys.Contains))
            {
                ValidateMissing++;
            }
        }
        else if (name == "apply")
        {
            ApplyDurations.Add(duration);
            var seen = events.ToList();
            int from = 0;
            foreach (var e in Order)
            {
                int at = seen.IndexOf(e, from);
                if (at < 0)
                {
                    ApplyBadOrder++;
                    break;
                }

                from = at + 1;
            }

            if (seen.Contains("invariant.violation"))
            {
                ApplyBadOrder++;
            }
        }
    }
}

sealed class NoSink : TraceGate.Core.Traces.ISpanSink
{
    public void OnSpan(TraceGate.Core.Traces.SpanData span)
    {
    }
}
