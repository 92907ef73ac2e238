using System.Text;
using System.Text.RegularExpressions;
using TraceGate.Core.Evidence;
using TraceGate.Core.Gates;
using TraceGate.Core.Model;
using TraceGate.Core.Otlp;
using TraceGate.Core.Policy;
using TraceGate.Core.Rendering;
using TraceGate.Core.TestResults;
using TraceGate.Core.TraceFormats;
using TraceGate.Core.Traces;
using TraceGate.Core.Rules;

namespace TraceGate.Fuzz;

/// <summary>
/// One fuzz target per parser that reads untrusted bytes. A target returns normally for every input the product
/// handles as it documents (a finding, or the parser's own input error that the CLI turns into exit 2) and throws
/// for anything else: an unexpected exception type, a hang (AFL's timeout), or a broken output invariant
/// (<see cref="InvariantBrokenException"/>). The test project replays the seed corpus and every kept crash through
/// this same code.
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["pr-body"] = PrBody,
        ["trailers"] = Trailers,
        ["policy"] = PolicyFile,
        ["otlp-protobuf"] = data => Traces(data, (r, s) => r.Proto.ReadPlain(s, "fuzz.pb")),
        ["otlp-framed"] = data => Traces(data, (r, s) => r.Proto.ReadFramed(s, "fuzz.pb")),
        ["otlp-json"] = data => Traces(data, (r, s) => r.Json.Read(s, "fuzz.json")),
        ["trace-file"] = data => Traces(data, (r, s) => TraceFileReader.Read("fuzz.bin", s, r.Options, r.Engine)),
        ["otlp-json-lines"] = JsonLinesAgree,
        ["jaeger-json"] = data => WholeJson(data, (t, o, e) =>
        {
            foreach (var shape in Enum.GetValues<JaegerShape>())
            {
                Shape(() => new JaegerJsonReader(o, e).Read(t, shape));
            }
        }),
        ["zipkin-json"] = data => WholeJson(data, (t, o, e) =>
        {
            foreach (var shape in Enum.GetValues<ZipkinShape>())
            {
                Shape(() => new ZipkinJsonReader(o, e).Read(t, shape));
            }
        }),
        ["tempo-json"] = data => WholeJson(data, (t, o, e) =>
        {
            Shape(() => new OtlpJsonReader(o, e) { TempoDialect = true }.Read(t.Slice(0, t.Length), "fuzz.json"));
            Shape(() => WholeJsonDocument.Read("fuzz.json", t, Compression.None, o, e));
        }),
        ["test-results"] = TestResults,
        ["receiver-request"] = ReceiverRequest,
        ["self-test"] = SelfTestTarget.Run,
    };

    /// <summary>The payments example's rules, so trace inputs also drive selectors, rules and the baseline-free
    /// report; and structural rules of descendant and child steps, repeated, so that mutated parent ids (loops,
    /// duplicates, missing parents, deep chains) drive the ancestry resolution.</summary>
    private const string TracePolicy = """
        version: 1
        traces:
          files: ['t/*']
          rules:
            - id: validate-attributes
              select: 'span[name="validate"]'
              count: '>= 0'
              attributes: { transfer.from: exists, transfer.fee: exists, transfer.amount: '> 0' }
            - id: fee-before-debit
              select: 'span[name="apply"]'
              count: '>= 0'
              events-in-order: [fee_debit, debit, credit]
              forbid-events: [invariant.violation]
              status: ok
            - id: apply-latency
              select: 'span[service.name="transfer-svc" name="apply"]'
              count: '>= 0'
              duration: { p95: '<= 25ms', max: '<= 200ms' }
              min-samples: 1
            - id: apply-inside-request
              select: 'span[kind=server name="POST /transfer"] > span[name="apply"]'
              count: '>= 0'
            - id: deep-under-request
              select: 'span[name="POST /transfer"] span span[name!="validate"] > span'
              count: '>= 0'
            - id: repeated-steps
              select: 'span span span span span'
              count: '>= 0'
          redaction:
            forbid: [email, credit-card, bearer-token]
        """;

    private static readonly Lazy<GatePolicy> TraceGatePolicy = new(() =>
        PolicyLoader.Load("fuzz.yml", TracePolicy).Policy ?? throw new InvalidOperationException("the fuzz trace policy does not load"));

    private static readonly Regex PingingMention = new(@"@[A-Za-z0-9]", RegexOptions.CultureInvariant);
    private static readonly Regex RawHtml = new(@"<[A-Za-z!/?]", RegexOptions.CultureInvariant);
    private static readonly Regex CodeSpan = new("`[^`\n]*`", RegexOptions.CultureInvariant);

    private static void PrBody(byte[] data)
    {
        string text = Text(data);
        var policy = PolicyDefaults.Create();
        var report = GateRun.Evaluate(policy, new EvidenceInputs { PrBody = text, Workspace = NoFiles.Instance }, []);
        Render(report);
    }

    private static void Trailers(byte[] data)
    {
        string text = Text(data);
        var parsed = TrailerParser.Parse(text);
        foreach (var (key, _, line) in parsed.Trailers)
        {
            Require(key.Length > 0 && !key.Contains('\n', StringComparison.Ordinal) && line >= 1, "a trailer key is empty, spans lines or has no line");
        }

        var report = GateRun.Evaluate(PolicyDefaults.Create(), new EvidenceInputs { CommitMessages = [text], Workspace = NoFiles.Instance }, []);
        Render(report);
    }

    private static void PolicyFile(byte[] data)
    {
        var result = PolicyLoader.Load("fuzz.yml", Text(data));
        Require(result.Policy is null == result.Errors.Count > 0, "a policy must load or say why not, never both or neither");
        foreach (var e in result.Errors)
        {
            Require(e.Line >= 0, "a policy error without a line");
        }
    }

    private sealed record TraceReaders(ReadOptions Options, RuleEngine Engine, OtlpProtobufReader Proto, OtlpJsonReader Json);

    private static void Traces(byte[] data, Action<TraceReaders, Stream> read)
    {
        var policy = TraceGatePolicy.Value;
        // Small bounds so that a nesting or size bomb is met within AFL's time limit; the product's defaults are
        // the same checks with larger numbers.
        var options = new ReadOptions
        {
            AttributeKeys = RuleEngine.KeysNeeded(policy.Traces),
            AllStringValues = true,
            MaxMessageBytes = 1 << 20,
            MinDecompressedAllowance = 1 << 20,
        };
        var engine = new RuleEngine(policy.Traces);
        var readers = new TraceReaders(options, engine, new OtlpProtobufReader(options, engine), new OtlpJsonReader(options, engine));
        try
        {
            read(readers, new MemoryStream(data, writable: false));
        }
        catch (TraceInputException e)
        {
            Require(e.Message.StartsWith("fuzz.", StringComparison.Ordinal), "a trace input error must name the file: " + e.Message);
            return;
        }

        engine.Finish();
        var checks = TraceGates.Evaluate(policy.Traces, engine, baseline: null);
        var report = new Report(Report.ConclusionOf(checks), checks, new Dictionary<string, EvidenceValue>(), [], []);
        Render(report);
    }

    /// <summary>A reader of whole JSON documents, driven with every shape it reads (not only the one detection
    /// would pick, so the reader meets what a wrong guess would hand it), then the file reader with detection, whose
    /// report is rendered and checked.</summary>
    private static void WholeJson(byte[] data, Action<JsonText, ReadOptions, RuleEngine> readers)
    {
        var policy = TraceGatePolicy.Value;
        var options = new ReadOptions { AttributeKeys = RuleEngine.KeysNeeded(policy.Traces), AllStringValues = true, MaxMessageBytes = 1 << 20, MaxJsonDocumentBytes = 1 << 20 };
        readers(new JsonText(data, data.Length, "fuzz.json"), options, new RuleEngine(policy.Traces));
        Traces(data, (r, s) => TraceFileReader.Read("fuzz.json", s, r.Options, r.Engine));
    }

    private static void Shape(Action read)
    {
        try
        {
            read();
        }
        catch (TraceInputException e)
        {
            Require(e.Message.StartsWith("fuzz.", StringComparison.Ordinal), "a trace input error must name the file: " + e.Message);
        }
    }

    /// <summary>Differential: the hand-written parallel JSON lines path must read exactly what the exact reader reads
    /// (the same spans at the same offsets, or the same error).</summary>
    private static void JsonLinesAgree(byte[] data)
    {
        var options = new ReadOptions { AttributeKeys = new HashSet<string>(StringComparer.Ordinal) { "transfer.amount", "transfer.fee" }, MaxMessageBytes = 1 << 20 };
        string exact = Outcome(sink => new OtlpJsonReader(options, sink).Read(new MemoryStream(data, writable: false), "fuzz.jsonl"));
        string fast = Outcome(sink => new JsonLinesReader(options, sink, workers: 2).Read(new MemoryStream(data, writable: false), "fuzz.jsonl"));
        Require(exact == fast, $"the JSON lines fast path disagrees with the exact reader:\nexact: {exact}\nfast:  {fast}");
    }

    private static string Outcome(Action<ISpanSink> read)
    {
        var sink = new Describing();
        try
        {
            read(sink);
            return sink.Text.ToString();
        }
        catch (TraceInputException e)
        {
            return "error: " + e.Message;
        }
    }

    private sealed class Describing : ISpanSink
    {
        public StringBuilder Text { get; } = new();

        public void OnSpan(SpanData s) => Text.Append(s.Offset).Append(' ').Append(s.TraceId).Append(' ').Append(s.SpanId).Append(' ')
            .Append(s.ParentSpanId).Append(' ').Append(s.Name).Append(' ').Append(s.Kind).Append(' ').Append(s.StartUnixNano).Append(' ')
            .Append(s.EndUnixNano).Append(' ').Append(s.Status).Append(' ').Append(s.Resource.ServiceName)
            .Append(" [").AppendJoin(",", s.Attributes.Select(a => $"{a.Key}={a.Value.Type}:{a.Value}"))
            .Append("] [").AppendJoin(",", s.Events.Select(e => $"{e.Name}@{e.TimeUnixNano}")).Append("]\n");
    }

    private static void TestResults(byte[] data)
    {
        var result = TestResultsReader.Read("results.xml", new MemoryStream(data, writable: false));
        if (result.Error is { } error)
        {
            Require(error.ToString().Contains("results.xml", StringComparison.Ordinal), "a test results error must name the file");
            return;
        }

        foreach (var c in result.Cases)
        {
            Require(c.Line >= 0 && c.ResultsFile == "results.xml", "a test case without its place in the file");
        }
    }

    private static void ReceiverRequest(byte[] data)
    {
        if (data.Length == 0)
        {
            return;
        }

        // The first byte picks the content type, so one corpus covers both decoders.
        bool proto = (data[0] & 1) == 0;
        try
        {
            OtlpRequestDecoder.Decode(data.AsSpan(1), proto);
        }
        catch (TraceInputException)
        {
            // Answered with 400 / INVALID_ARGUMENT.
        }
    }

    /// <summary>Every renderer, held to the promises the README makes about untrusted text.</summary>
    private static void Render(Report report)
    {
        var markdown = MarkdownReport.Render(report);
        Require(markdown.Length <= MarkdownReport.GitHubCheckRunLimit, "the Markdown summary is over its limit");
        NoCommands(markdown, "Markdown");
        var outsideCode = CodeSpan.Replace(markdown, "");
        Require(!PingingMention.IsMatch(outsideCode), "the Markdown summary holds a pinging @mention");
        Require(!RawHtml.IsMatch(outsideCode), "the Markdown summary holds raw HTML");
        NoCommands(ConsoleReport.Render(report, color: false), "console");
        NoCommands(JsonReport.Render(report), "JSON");
    }

    private static void NoCommands(string output, string what)
    {
        foreach (var line in output.Split('\n'))
        {
            var trimmed = line.TrimStart();
            Require(!trimmed.StartsWith("::", StringComparison.Ordinal), $"the {what} report has a line that starts a workflow command");
            Require(!trimmed.Contains("##vso[", StringComparison.OrdinalIgnoreCase) && !trimmed.Contains("##[", StringComparison.Ordinal),
                $"the {what} report holds an Azure logging command");
        }
    }

    /// <summary>Bytes as the CLI reads a text file: UTF-8, invalid sequences replaced.</summary>
    private static string Text(byte[] data) => Encoding.UTF8.GetString(data);

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvariantBrokenException(message);
        }
    }

    /// <summary>A workspace with no files: a repro path is probed, never read.</summary>
    private sealed class NoFiles : IWorkspace
    {
        public static readonly NoFiles Instance = new();

        public PathState Probe(string relativePath) =>
            relativePath.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(relativePath) ? PathState.OutsideWorkspace : PathState.Missing;
    }
}

public sealed class InvariantBrokenException(string message) : Exception(message);

/// <summary>Proves the harness end to end: AFL must find this planted crash within seconds, or a quiet campaign
/// means nothing. fuzz/run.sh instruments this one type of the harness assembly.</summary>
public static class SelfTestTarget
{
    public static void Run(byte[] data)
    {
        if (data.Length >= 4 && data[0] == 'F')
        {
            if (data[1] == 'U')
            {
                if (data[2] == 'Z')
                {
                    if (data[3] == 'Z')
                    {
                        throw new InvariantBrokenException("the planted self-test crash");
                    }
                }
            }
        }
    }
}
