using System.Text.Json;
using Google.Protobuf;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// Decodes the body of one OTLP export request (already decompressed) into the generated message. Every way a body
/// can be malformed ends in <see cref="TraceInputException"/>, so the receiver answers 400 (or gRPC INVALID_ARGUMENT)
/// instead of a 500; the fuzz target holds it to that.
/// </summary>
public static class OtlpRequestDecoder
{
    /// <summary>Deeper than any OTLP document needs (AnyValue nesting is refused past 32 by the codec).</summary>
    private const int MaxJsonDepth = 96;

    public static ExportTraceServiceRequest Decode(ReadOnlySpan<byte> body, bool proto)
    {
        try
        {
            if (proto)
            {
                return ExportTraceServiceRequest.Parser.ParseFrom(body);
            }

            // JsonDocument wants memory it can keep; the copy is bounded by the receiver's body limit.
            using var doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            return OtlpJsonCodec.Parse(doc.RootElement);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new TraceInputException("malformed OTLP trace request: " + e.Message);
        }
    }
}
