using System.Text.Json;
using TraceGate.Core.TraceFormats;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// Reads a JSON document that is read whole: named by <see cref="JsonShapeDetector"/>, then handed to its reader.
/// OTLP inside a wrapper (Jaeger's api_v3 <c>result</c>, Tempo's v2 <c>trace</c>) goes to the OTLP JSON reader,
/// with offsets that still name the place in the file.
/// </summary>
internal static class WholeJsonDocument
{
    public static TraceFileInfo Read(string path, JsonText text, Compression compression, ReadOptions options, ISpanSink sink)
    {
        var shape = JsonShapeDetector.Detect(text);
        switch (shape.Kind)
        {
            case JsonDocumentKind.Otlp:
            {
                var json = new OtlpJsonReader(options, sink);
                json.Read(text.Slice(text.Origin, text.Length - text.Origin), path, text.Origin, 0);
                return new TraceFileInfo(path, TraceFormat.OtlpJson, compression, json.Spans);
            }

            case JsonDocumentKind.TempoV1:
            {
                var json = new OtlpJsonReader(options, sink) { TempoDialect = true };
                json.Read(text.Slice(text.Origin, text.Length - text.Origin), path, text.Origin, 0);
                return new TraceFileInfo(path, TraceFormat.TempoJson, compression, json.Spans) { Variant = TempoVariant(shape.Batches) };
            }

            case JsonDocumentKind.TempoV2:
                return TempoV2(path, text, compression, options, sink);
            case JsonDocumentKind.JaegerApiV3:
                return JaegerApiV3(path, text, compression, options, sink);
            case JsonDocumentKind.Jaeger:
            {
                var jaeger = new JaegerJsonReader(options, sink);
                jaeger.Read(text, shape.Jaeger);
                string variant = shape.Jaeger switch
                {
                    JaegerShape.Answer => $"/api/traces answer or UI download, {jaeger.Traces} trace(s)",
                    JaegerShape.Trace => "one trace",
                    JaegerShape.SpanArray => "span array",
                    _ => "one span",
                };
                return new TraceFileInfo(path, TraceFormat.JaegerJson, compression, jaeger.Spans) { Variant = variant };
            }

            default:
            {
                var zipkin = new ZipkinJsonReader(options, sink);
                zipkin.Read(text, shape.Zipkin);
                string variant = shape.Zipkin switch
                {
                    ZipkinShape.SpanArray => "span array",
                    ZipkinShape.TraceArray => "array of traces",
                    _ => "one span",
                };
                return new TraceFileInfo(path, TraceFormat.ZipkinJson, compression, zipkin.Spans) { Variant = variant };
            }
        }
    }

    public static string TempoVariant(bool batches) => batches ? "/api/traces, batches: before Tempo 2.6" : "/api/traces";

    /// <summary>Tempo's <c>/api/v2/traces/{id}</c> (tempopb.TraceByIDResponse): the trace, and a status that is
    /// PARTIAL when Tempo hit a limit and the trace may be incomplete.</summary>
    private static TraceFileInfo TempoV2(string path, JsonText text, Compression compression, ReadOptions options, ISpanSink sink)
    {
        var r = text.Reader();
        text.Next(ref r, "a JSON object");
        (int Start, int Length)? trace = null;
        string status = "COMPLETE", message = "";
        int depth = text.BeginObject(ref r, "a Tempo answer object");
        while (text.NextProperty(ref r, depth))
        {
            if (r.ValueTextEquals("trace"u8))
            {
                trace = text.ValueRange(ref r, "trace");
            }
            else if (r.ValueTextEquals("status"u8))
            {
                text.Next(ref r, "status");
                // The protobuf JSON mapping writes the enum's name; an integer is accepted too (PartialStatus: 0 COMPLETE, 1 PARTIAL).
                status = r.TokenType switch
                {
                    JsonTokenType.String => text.CurrentString(ref r, "status"),
                    JsonTokenType.Number when r.TryGetInt32(out int n) => n == 1 ? "PARTIAL" : n == 0 ? "COMPLETE" : n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => throw text.Error(ref r, "status must be COMPLETE or PARTIAL"),
                };
                if (status is not ("COMPLETE" or "PARTIAL"))
                {
                    throw text.Error(ref r, "status must be COMPLETE or PARTIAL");
                }
            }
            else if (r.ValueTextEquals("message"u8))
            {
                message = text.String(ref r, "message") ?? "";
            }
            else
            {
                text.Skip(ref r);
            }
        }

        if (text.Read(ref r))
        {
            throw text.Error(ref r, "more than one JSON value: a Tempo answer is one object");
        }

        long spans = 0;
        if (trace is { } range && text.Bytes[range.Start] == (byte)'{')
        {
            var json = new OtlpJsonReader(options, sink) { TempoDialect = true };
            json.Read(text.Slice(range.Start, range.Length), path, range.Start, text.LinesBefore(range.Start));
            spans = json.Spans;
        }

        string? warning = status == "PARTIAL"
            ? $"{path}: Tempo answered with status PARTIAL: the trace may be incomplete{(message.Length > 0 ? " (" + (message.Length > 200 ? message[..200] + "…" : message) + ")" : "")}"
            : null;
        return new TraceFileInfo(path, TraceFormat.TempoV2Json, compression, spans) { Variant = "/api/v2/traces, status " + status, Warning = warning };
    }

    /// <summary>Jaeger's api_v3 (GetTrace, FindTraces): one or more <c>{"result": TracesData}</c> objects, as the
    /// gRPC gateway streams them; an <c>{"error": …}</c> object among them is refused with its message.</summary>
    private static TraceFileInfo JaegerApiV3(string path, JsonText text, Compression compression, ReadOptions options, ISpanSink sink)
    {
        var r = text.Reader();
        long spans = 0;
        int answers = 0;
        while (text.Read(ref r))
        {
            int depth = text.BeginObject(ref r, "an api_v3 answer object ({\"result\": …})");
            while (text.NextProperty(ref r, depth))
            {
                if (r.ValueTextEquals("result"u8))
                {
                    var (start, length) = text.ValueRange(ref r, "result");
                    var json = new OtlpJsonReader(options, sink);
                    json.Read(text.Slice(start, length), path, start, text.LinesBefore(start));
                    spans += json.Spans;
                    answers++;
                }
                else if (r.ValueTextEquals("error"u8))
                {
                    var (start, length) = text.ValueRange(ref r, "error");
                    string error = System.Text.Encoding.UTF8.GetString(text.Bytes.Slice(start, Math.Min(length, 300)));
                    throw text.Error(ref r, "Jaeger answered with an error: " + error);
                }
                else
                {
                    text.Skip(ref r);
                }
            }
        }

        return new TraceFileInfo(path, TraceFormat.JaegerApiV3, compression, spans) { Variant = answers == 1 ? "OTLP JSON in result" : $"OTLP JSON in {answers} results" };
    }
}
