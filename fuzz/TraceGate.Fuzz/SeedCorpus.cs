using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using TraceGate.Core.Otlp;
using TraceGate.Core.Otlp.Proto;

namespace TraceGate.Fuzz;

/// <summary>
/// Writes the seed corpora from the repository's own fixtures (`TraceGate.Fuzz --make-seeds REPO OUT`). AFL works
/// best from small seeds, so each payments run is cut to one trace and written in every trace format TraceGate
/// reads; the text parsers get the evidence fixtures as they are.
/// </summary>
public static class SeedCorpus
{
    public static void Write(string repo, string outDir)
    {
        string Fixture(params string[] parts) => Path.Combine([repo, .. parts]);
        var traces = Fixture("tests", "TraceGate.Tests", "Traces", "Fixtures", "payments");

        Copy(Directory.GetFiles(Fixture("tests", "TraceGate.Tests", "Evidence", "Fixtures", "pr-bodies"), "*.md")
            .Append(Fixture("examples", "payments", "pr-body.md")), Path.Combine(outDir, "pr-body"));

        var commits = File.ReadAllText(Fixture("examples", "payments", "commits.nul")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var trailerDir = Directory.CreateDirectory(Path.Combine(outDir, "trailers")).FullName;
        for (int i = 0; i < commits.Length; i++)
        {
            File.WriteAllText(Path.Combine(trailerDir, $"commit-{i}.txt"), commits[i]);
        }

        Copy([Fixture("examples", "payments", ".tracegate.yml")], Path.Combine(outDir, "policy"));
        Copy(Directory.GetFiles(Fixture("tests", "TraceGate.Tests", "TestResults", "Fixtures"))
            .Append(Fixture("examples", "payments", "artifacts", "test-results", "junit.xml")), Path.Combine(outDir, "test-results"));

        foreach (var run in new[] { "good", "buggy", "slow" })
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(traces, run + ".json")));
            var request = OneTrace(OtlpJsonCodec.Parse(doc.RootElement));
            byte[] proto = request.ToByteArray();
            byte[] json = Json(request);
            byte[] framed = new byte[proto.Length + 4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(framed, (uint)proto.Length);
            proto.CopyTo(framed, 4);

            Put(outDir, "otlp-protobuf", run + ".pb", proto);
            Put(outDir, "otlp-framed", run + ".framed.pb", framed);
            Put(outDir, "otlp-json", run + ".json", json);
            Put(outDir, "otlp-json", run + ".jsonl", [.. json, (byte)'\n', .. json, (byte)'\n']);
            Put(outDir, "otlp-json-lines", run + ".jsonl", [.. json, (byte)'\n', .. json, (byte)'\n']);
            Put(outDir, "trace-file", run + ".pb", proto);
            Put(outDir, "trace-file", run + ".framed.pb", framed);
            Put(outDir, "trace-file", run + ".json", json);
            Put(outDir, "receiver-request", run + ".proto.bin", [0, .. proto]);
            Put(outDir, "receiver-request", run + ".json.bin", [1, .. json]);
        }

        // The real Jaeger, Zipkin and Tempo files (tests/TraceGate.Tests/Traces/Fixtures/real), the small ones: AFL
        // works best from seeds of a few KB.
        var real = Fixture("tests", "TraceGate.Tests", "Traces", "Fixtures", "real");
        foreach (var (target, folder) in new[] { ("jaeger-json", "jaeger"), ("zipkin-json", "zipkin"), ("tempo-json", "tempo") })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(real, folder), "*.json").Where(f => new FileInfo(f).Length <= 16 * 1024))
            {
                Put(outDir, target, Path.GetFileName(file), File.ReadAllBytes(file));
                Put(outDir, "trace-file", folder + "-" + Path.GetFileName(file), File.ReadAllBytes(file));
            }
        }

        using var goodDoc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(traces, "good.json")));
        byte[] good = OneTrace(OtlpJsonCodec.Parse(goodDoc.RootElement)).ToByteArray();
        Put(outDir, "trace-file", "good.pb.gz", Gzip(good));
        using (var zstd = new ZstdSharp.Compressor(3))
        {
            Put(outDir, "trace-file", "good.pb.zst", zstd.Wrap(good).ToArray());
        }
    }

    /// <summary>The spans of the first trace only (a request, its validate/apply children and their events).</summary>
    private static ExportTraceServiceRequest OneTrace(ExportTraceServiceRequest request)
    {
        var first = request.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId;
        foreach (var ss in request.ResourceSpans.SelectMany(rs => rs.ScopeSpans))
        {
            var keep = ss.Spans.Where(s => s.TraceId == first).ToList();
            ss.Spans.Clear();
            ss.Spans.AddRange(keep);
        }

        return request;
    }

    private static byte[] Json(ExportTraceServiceRequest request)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            OtlpJsonCodec.Write(w, request);
        }

        return buffer.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gz.Write(data);
        }

        return buffer.ToArray();
    }

    private static void Copy(IEnumerable<string> files, string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var f in files)
        {
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
        }
    }

    private static void Put(string outDir, string target, string name, byte[] data)
    {
        var dir = Directory.CreateDirectory(Path.Combine(outDir, target)).FullName;
        File.WriteAllBytes(Path.Combine(dir, name), data);
    }

    /// <summary>Tokens AFL splices into inputs: the OTLP JSON keys and the PR template's labels.</summary>
    public static string Dictionary(string target) => target switch
    {
        "otlp-json" or "otlp-json-lines" or "trace-file" or "receiver-request" => Tokens("resourceSpans", "scopeSpans", "spans", "traceId", "spanId", "parentSpanId",
            "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes", "key", "value", "stringValue", "intValue", "doubleValue",
            "boolValue", "arrayValue", "kvlistValue", "bytesValue", "values", "events", "timeUnixNano", "status", "code", "links", "resource"),
        "pr-body" or "trailers" => Tokens("Incident:", "Primary trace:", "Invariant:", "Root cause:", "Fix:", "Repro:", "Rollback:", "- [x] ",
            "- [ ] ", "INC: ", "TRACE: ", "INVARIANT: ", "REPRO: ", "ROLLBACK: ", "Signed-off-by: ", "---", "# ------------------------ >8 ------------------------",
            "<!-- ", " -->", "**", "| ", "::set-output ", "##vso[", "@", "\n\n"),
        "policy" => Tokens("version: 1", "evidence:", "fields:", "traces:", "rules:", "select: ", "span[name=\"apply\"]", "count: ", "duration:",
            "p95: ", "baseline:", "attributes:", "events-in-order:", "pattern: ", "redaction:", "forbid:", "min-samples: ", " > ", "'<= +10%'"),
        "test-results" => Tokens("<testsuite", "<testcase", "classname=\"", "name=\"", "<failure", "<skipped/>", "<TestRun", "<UnitTestResult",
            "testName=\"", "outcome=\"Passed\"", "<!DOCTYPE", "<!ENTITY", "]]>", "&amp;"),
        "jaeger-json" => Tokens("data", "traceID", "spanID", "parentSpanID", "operationName", "references", "refType", "CHILD_OF", "FOLLOWS_FROM",
            "startTime", "duration", "tags", "logs", "timestamp", "fields", "key", "type", "value", "string", "bool", "int64", "float64", "binary",
            "processID", "process", "processes", "serviceName", "span.kind", "error", "otel.status_code", "event", "errors", "result", "resourceSpans"),
        "zipkin-json" => Tokens("traceId", "id", "parentId", "name", "kind", "CLIENT", "SERVER", "PRODUCER", "CONSUMER", "timestamp", "duration",
            "localEndpoint", "remoteEndpoint", "serviceName", "ipv4", "ipv6", "port", "annotations", "value", "tags", "shared", "debug", "error",
            "otel.status_code", "span.kind", "|{\"a\":1}|0"),
        "tempo-json" => Tokens("batches", "resourceSpans", "trace", "status", "PARTIAL", "COMPLETE", "message", "scopeSpans", "spans", "traceId",
            "spanId", "parentSpanId", "QpC1h3qZMN55u0KDZTmOzA==", "2gZXnld4dYc=", "SPAN_KIND_SERVER", "STATUS_CODE_ERROR", "startTimeUnixNano",
            "endTimeUnixNano", "attributes", "events", "instrumentationLibrarySpans"),
        _ => "",
    };

    private static string Tokens(params string[] tokens)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < tokens.Length; i++)
        {
            sb.Append('t').Append(i).Append("=\"");
            foreach (char c in tokens[i])
            {
                sb.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\x0a", _ => c.ToString() });
            }

            sb.Append("\"\n");
        }

        return sb.ToString();
    }
}
