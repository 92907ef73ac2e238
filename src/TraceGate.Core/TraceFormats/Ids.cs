using System.Buffers.Binary;
using System.Buffers.Text;
using TraceGate.Core.Traces;

namespace TraceGate.Core.TraceFormats;

/// <summary>Trace and span ids as the foreign formats write them.</summary>
public static class Ids
{
    /// <summary>Hex of up to 32 digits, left-padded with zeros: Zipkin and Jaeger write 64-bit trace ids as 16
    /// digits (and some writers drop leading zeros), which must still match the 32-digit id a PR names.</summary>
    public static bool TryHexTraceId(ReadOnlySpan<byte> text, out TraceId id)
    {
        id = default;
        if (text.Length is 0 or > 32)
        {
            return false;
        }

        ulong hi = 0, lo = 0;
        int split = Math.Max(0, text.Length - 16);
        if (!TryHex(text[..split], out hi) || !TryHex(text[split..], out lo))
        {
            return false;
        }

        id = new TraceId(hi, lo);
        return true;
    }

    /// <summary>Hex of up to 16 digits, left-padded with zeros.</summary>
    public static bool TryHexSpanId(ReadOnlySpan<byte> text, out ulong id)
    {
        id = 0;
        return text.Length is > 0 and <= 16 && TryHex(text, out id);
    }

    /// <summary>The protobuf JSON mapping's base64 of 16 bytes (Tempo's answers, gogo jsonpb).</summary>
    public static bool TryBase64TraceId(ReadOnlySpan<byte> text, out TraceId id)
    {
        id = default;
        Span<byte> bytes = stackalloc byte[18];
        if (text.Length != 24 || Base64.DecodeFromUtf8(text, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != 16)
        {
            return false;
        }

        id = new TraceId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        return true;
    }

    /// <summary>The protobuf JSON mapping's base64 of 8 bytes.</summary>
    public static bool TryBase64SpanId(ReadOnlySpan<byte> text, out ulong id)
    {
        id = 0;
        Span<byte> bytes = stackalloc byte[9];
        if (text.Length != 12 || Base64.DecodeFromUtf8(text, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != 8)
        {
            return false;
        }

        id = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        return true;
    }

    private static bool TryHex(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        foreach (byte c in text)
        {
            int d = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)d;
        }

        return true;
    }
}
