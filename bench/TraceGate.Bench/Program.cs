using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Rules;

// The benchmark's data generator and its two C# peers. Each peer checks the rules of bench/policy.yml (see Checked):
// validate under POST /transfer (a child) carries transfer.from/to/fee and a transfer.amount > 0; apply under it (a
// descendant) has events fee_debit, debit, credit in order, no invariant.violation, no ERROR status and a span link;
// apply's p95 within 25 ms and, against the baseline run, not more than 10% over (percentile bootstrap); a server
// span POST /transfer exists; no string value looks like an email, a card number, a bearer token or a JWT.
//   generate DIR [TRACES]     write DIR/traces.pb (batched ExportTraceServiceRequests), DIR/traces.jsonl, and a
//                             baseline run of a tenth of the traces (another seed) as DIR/baseline.pb and .jsonl
//   objectmodel FILE.pb BASELINE.pb      Google.Protobuf generated classes: parse the whole message, then check
//   dom FILE.jsonl BASELINE.jsonl        System.Text.Json DOM (JsonNode) per line, then check
return args switch
{
    ["generate", var dir] => Generate(dir, 200_000),
    ["generate", var dir, var n] => Generate(dir, int.Parse(n, CultureInfo.InvariantCulture)),
    ["objectmodel", var file, var baseline] => Report(ObjectModel(file, new Checked()), ObjectModel(baseline, new Checked { BaselineOnly = true })),
    ["dom", var file, var baseline] => Report(Dom(file, new Checked()), Dom(baseline, new Checked { BaselineOnly = true })),
    ["profile", var file, var policy] => Profile(file, policy),
    ["structure", var file, var policy] => Structure(file, policy),
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

// What the structural rules hold for the spans seen, read just before the end (when it is the most: every span's
// table entry is there, and what still waits).
static int Structure(string file, string policyPath)
{
    var policy = TraceGate.Core.Policy.PolicyLoader.Load(policyPath, File.ReadAllText(policyPath)).Policy!.Traces;
    var options = new TraceGate.Core.Traces.ReadOptions { AttributeKeys = RuleEngine.KeysNeeded(policy), AllStringValues = policy.RedactionForbid.Count > 0 };
    var engine = new RuleEngine(policy);
    using (var s = File.OpenRead(file))
    {
        TraceGate.Core.Otlp.TraceFileReader.Read(file, s, options, engine);
    }

    long bytes = engine.Structure.Bytes;
    if (Environment.GetEnvironmentVariable("BENCH_STRUCTURE_TIME") == "1")
    {
        // The structural resolution alone, over spans already in memory.
        var copies = new CopySink();
        using (var s = File.OpenRead(file))
        {
            TraceGate.Core.Otlp.TraceFileReader.Read(file, s, options, copies);
        }

        var steps = policy.Rules.Select(r => r.Selector.Steps.ToArray()).ToArray();
        for (int round = 0; round < 5; round++)
        {
            var runs = policy.Rules.Select(r => new RuleRun(r)).ToArray();
            var structure = new StructuralSelection(steps, runs);
            var masks = copies.Spans.Select(sp =>
            {
                ulong m = 0;
                for (int i = 0; i < steps.Length; i++)
                {
                    for (int k = 0; k < steps[i].Length - 1; k++)
                    {
                        if (steps[i][k].Matches(sp))
                        {
                            m |= structure.Bit(i, k);
                        }
                    }
                }

                return m;
            }).ToArray();
            var sw = Stopwatch.StartNew();
            for (int n = 0; n < copies.Spans.Count; n++)
            {
                var sp = copies.Spans[n];
                for (int i = 0; i < steps.Length; i++)
                {
                    if (steps[i].Length > 1 && steps[i][^1].Matches(sp))
                    {
                        structure.AddCandidate(i, sp.DurationNanos, null, sp.Name);
                    }
                }

                structure.AddNode(sp.TraceId, sp.SpanId, sp.ParentSpanId, masks[n]);
            }

            structure.Finish();
            Console.WriteLine($"structure alone: {sw.Elapsed.TotalMilliseconds:0} ms for {copies.Spans.Count} spans");
        }
    }

    Console.WriteLine($"structural rules: {bytes / 1048576.0:0.0} MiB held for {engine.Spans} spans at the end, {bytes / (double)engine.Spans:0.0} bytes per span; "
        + $"{engine.Structure.Waited} spans waited for their parent, {engine.Structure.Waiting} still wait at the end");
    engine.Finish();
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
    Console.Error.WriteLine("usage: generate DIR [TRACES] | objectmodel FILE.pb BASELINE.pb | dom FILE.jsonl BASELINE.jsonl");
    return 2;
}

static int Generate(string dir, int traces)
{
    Directory.CreateDirectory(dir);
    var sw = Stopwatch.StartNew();
    long spans = Write(dir, "traces", new Random(20261125), traces);
    // The base branch's run: fewer traces, another seed, the same code (so the baseline budget holds).
    long baseline = Write(dir, "baseline", new Random(20261216), Math.Max(1, traces / 10));
    Console.WriteLine($"wrote {spans} spans of {traces} traces and a baseline of {baseline} spans to {dir} in {sw.Elapsed.TotalSeconds:0.0} s");
    return 0;
}

static long Write(string dir, string name, Random random, int traces)
{
    using var pb = File.Create(Path.Combine(dir, name + ".pb"));
    using var jsonl = File.Create(Path.Combine(dir, name + ".jsonl"));
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

    return spans;
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
    // The transfer's batch settlement, as a span link (the links rule).
    apply.Links.Add(new Span.Types.Link { TraceId = ByteString.CopyFrom(traceId), SpanId = validate.SpanId });
    int k = 1;
    foreach (var e in new[] { "fee_debit", "debit", "credit" })
    {
        var ev = new Span.Types.Event { Name = e, TimeUnixNano = a0 + (ulong)(k++ * applyMs / 4 * 1e6) };
        ev.Attributes.Add(Str("account", e == "credit" ? "acct-2" : "acct-1"));
        apply.Events.Add(ev);
    }

    // In the order an SDK's batch processor exports them: as they end, children before their parent.
    return [validate, apply, root];
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

static Checked ObjectModel(string file, Checked result)
{
    // The whole file as one message: what a reader built on the generated classes does.
    var data = TracesData.Parser.ParseFrom(File.ReadAllBytes(file));
    foreach (var rs in data.ResourceSpans)
    {
        foreach (var a in rs.Resource?.Attributes ?? [])
        {
            result.Scan(a.Value.StringValue);
        }

        foreach (var ss in rs.ScopeSpans)
        {
            foreach (var s in ss.Spans)
            {
                bool validateOk = s.Name != "validate" || ValidateOk(s.Attributes.Select(a => (a.Key, a.Value.ValueCase == AnyValue.ValueOneofCase.IntValue ? (double?)a.Value.IntValue : a.Value.ValueCase == AnyValue.ValueOneofCase.DoubleValue ? a.Value.DoubleValue : null)));
                foreach (var a in s.Attributes)
                {
                    result.Scan(a.Value.StringValue);
                }

                foreach (var e in s.Events)
                {
                    foreach (var a in e.Attributes)
                    {
                        result.Scan(a.Value.StringValue);
                    }
                }

                result.Add(
                    s.TraceId.ToBase64(), s.SpanId.ToBase64(), s.ParentSpanId.ToBase64(), s.Name, s.Kind == Span.Types.SpanKind.Server,
                    s.Status?.Code == Status.Types.StatusCode.Error, validateOk, s.Events.Select(e => e.Name), s.Links.Count,
                    (long)(s.EndTimeUnixNano - s.StartTimeUnixNano));
            }
        }
    }

    return result;
}

static Checked Dom(string file, Checked result)
{
    foreach (var line in File.ReadLines(file))
    {
        if (line.Length == 0)
        {
            continue;
        }

        var doc = JsonNode.Parse(line)!;
        foreach (var rs in doc["resourceSpans"]!.AsArray())
        {
            foreach (var a in rs!["resource"]?["attributes"]?.AsArray() ?? [])
            {
                result.Scan(a!["value"]?["stringValue"]?.GetValue<string>() ?? "");
            }

            foreach (var ss in rs["scopeSpans"]!.AsArray())
            {
                foreach (var s in ss!["spans"]!.AsArray())
                {
                    string name = s!["name"]!.GetValue<string>();
                    var attributes = s["attributes"]?.AsArray() ?? [];
                    bool validateOk = name != "validate" || ValidateOk(attributes.Select(a => (a!["key"]!.GetValue<string>(), Number(a["value"]))));
                    foreach (var a in attributes)
                    {
                        result.Scan(a!["value"]?["stringValue"]?.GetValue<string>() ?? "");
                    }

                    var events = s["events"]?.AsArray() ?? [];
                    foreach (var e in events)
                    {
                        foreach (var a in e!["attributes"]?.AsArray() ?? [])
                        {
                            result.Scan(a!["value"]?["stringValue"]?.GetValue<string>() ?? "");
                        }
                    }

                    long start = long.Parse(s["startTimeUnixNano"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                    long end = long.Parse(s["endTimeUnixNano"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                    result.Add(
                        s["traceId"]!.GetValue<string>(), s["spanId"]!.GetValue<string>(), s["parentSpanId"]?.GetValue<string>() ?? "", name,
                        s["kind"]?.GetValue<int>() == 2, s["status"]?["code"]?.GetValue<int>() == 2, validateOk,
                        events.Select(e => e!["name"]!.GetValue<string>()), s["links"]?.AsArray().Count ?? 0, end - start);
                }
            }
        }
    }

    return result;
}

// OTLP JSON: intValue is a string (64-bit), doubleValue a number.
static double? Number(JsonNode? value) =>
    value?["intValue"] is { } i ? double.Parse(i.ToString(), CultureInfo.InvariantCulture)
    : value?["doubleValue"] is { } d ? d.GetValue<double>() : null;

static bool ValidateOk(IEnumerable<(string Key, double? Number)> attributes)
{
    bool from = false, to = false, fee = false, amount = false;
    foreach (var (key, number) in attributes)
    {
        switch (key)
        {
            case "transfer.from": from = true; break;
            case "transfer.to": to = true; break;
            case "transfer.fee": fee = true; break;
            case "transfer.amount": amount = number > 0; break;
        }
    }

    return from && to && fee && amount;
}

static int Report(Checked c, Checked baseline)
{
    var (ok, text) = c.Verdict(baseline.ApplyDurations);
    Console.WriteLine(text);
    return ok ? 0 : 1;
}

/// <summary>
/// The rules of bench/policy.yml, checked the plain way: every span's parent and name kept by (trace, span id), the
/// two structural rules decided after the last span by walking up from each candidate.
/// </summary>
sealed class Checked
{
    private static readonly string[] Order = ["fee_debit", "debit", "credit"];
    private static readonly string[] Forbid = ["email", "credit-card", "bearer-token", "jwt"];

    private readonly Dictionary<(string Trace, string Span), (string Parent, string Name)> _spans = [];
    private readonly List<(string Trace, string Parent, bool Ok)> _validate = [];
    private readonly List<(string Trace, string Parent, bool Ok)> _apply = [];

    /// <summary>Only the apply durations are wanted (the baseline run).</summary>
    public bool BaselineOnly { get; init; }

    public long Spans;
    public long Servers;
    public long Redactions;
    public List<long> ApplyDurations { get; } = [];

    public void Scan(string value)
    {
        if (!BaselineOnly && value.Length > 0 && Redaction.Detect(value, Forbid) is not null)
        {
            Redactions++;
        }
    }

    public void Add(string trace, string span, string parent, string name, bool server, bool error, bool validateOk, IEnumerable<string> events, int links, long duration)
    {
        Spans++;
        if (name == "apply")
        {
            ApplyDurations.Add(duration);
        }

        if (BaselineOnly)
        {
            return;
        }

        _spans.TryAdd((trace, span), (parent, name));
        if (server && name == "POST /transfer")
        {
            Servers++;
        }

        if (name == "validate")
        {
            _validate.Add((trace, parent, validateOk));
        }
        else if (name == "apply")
        {
            var seen = events.ToList();
            int from = 0;
            bool inOrder = true;
            foreach (var e in Order)
            {
                int at = seen.IndexOf(e, from);
                if (at < 0)
                {
                    inOrder = false;
                    break;
                }

                from = at + 1;
            }

            _apply.Add((trace, parent, inOrder && !seen.Contains("invariant.violation") && !error && links >= 1));
        }
    }

    public (bool Ok, string Text) Verdict(List<long> baseline)
    {
        // validate-attributes: span[name="POST /transfer"] > span[name="validate"]
        var children = _validate.Where(v => _spans.TryGetValue((v.Trace, v.Parent), out var p) && p.Name == "POST /transfer").ToList();
        // fee-before-debit: span[name="POST /transfer"] span[name="apply"], at most 4,096 hops up
        var descendants = _apply.Where(a => HasAncestor(a.Trace, a.Parent)).ToList();
        var sorted = ApplyDurations.ToArray();
        Array.Sort(sorted);
        double p95 = sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(0.95 * sorted.Length) - 1, 0, sorted.Length - 1)];
        // apply-latency's baseline: p95 '<= +10%', min-change 1ms, the percentile bootstrap TraceGate uses.
        var change = TraceGate.Core.Statistics.PercentileBootstrap.Change([.. ApplyDurations.Select(d => (double)d)], [.. baseline.Select(d => (double)d)], 95, 0.95, 1);
        bool regression = change.RelativeLower > 0.10 && change.AbsoluteLower > 1e6;
        int validateFailed = children.Count(c => !c.Ok), applyFailed = descendants.Count(d => !d.Ok);
        bool ok = children.Count > 0 && validateFailed == 0 && descendants.Count > 0 && applyFailed == 0 && p95 <= 25e6 && !regression
            && Servers > 0 && Redactions == 0 && baseline.Count >= 20;
        return (ok, $"{Spans} spans; validate under POST {children.Count} (failed {validateFailed}); apply under POST {descendants.Count} (failed {applyFailed}); "
            + $"apply p95 {p95 / 1e6:0.###} ms, against the baseline {change.Relative:+0.0%;-0.0%} ({change.RelativeLower:+0.0%;-0.0%} to {change.RelativeUpper:+0.0%;-0.0%}); "
            + $"servers {Servers}; redactions {Redactions}: {(ok ? "passed" : "failed")}");
    }

    private bool HasAncestor(string trace, string parent)
    {
        for (int hops = 0; hops < 4096 && parent.Length > 0 && _spans.TryGetValue((trace, parent), out var p); hops++)
        {
            if (p.Name == "POST /transfer")
            {
                return true;
            }

            parent = p.Parent;
        }

        return false;
    }
}

sealed class CopySink : TraceGate.Core.Traces.ISpanSink
{
    public List<TraceGate.Core.Traces.SpanData> Spans { get; } = [];

    public void OnSpan(TraceGate.Core.Traces.SpanData span)
    {
        var copy = new TraceGate.Core.Traces.SpanData();
        span.CopyTo(copy);
        Spans.Add(copy);
    }
}

sealed class NoSink : TraceGate.Core.Traces.ISpanSink
{
    public void OnSpan(TraceGate.Core.Traces.SpanData span)
    {
    }
}
