using System.Buffers.Binary;
using System.Text.Json;
using Google.Protobuf;
using TraceGate.Core.Otlp;
using TraceGate.Core.Otlp.Proto;

namespace TraceGate.Cli.Receiver;

/// <summary>
/// The receiver's output file. Each request becomes one record, written and flushed to the operating system before
/// the request is answered, so a span that got a 2xx survives a kill of the receiver at any moment. proto: a 4-byte
/// big-endian length and the message (the Collector file exporter's framing); jsonl: one OTLP JSON document per
/// line. A record cut short by a kill is detected by the readers as a torn last record.
/// </summary>
public sealed class TraceStore : IDisposable
{
    private readonly FileStream _file;
    private readonly bool _proto;
    private readonly Lock _lock = new();

    public TraceStore(string path, bool proto)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _proto = proto;
    }

    public long Records { get; private set; }

    public void Append(ExportTraceServiceRequest request)
    {
        byte[] record;
        if (_proto)
        {
            var body = request.ToByteArray();
            record = new byte[body.Length + 4];
            BinaryPrimitives.WriteUInt32BigEndian(record, (uint)body.Length);
            body.CopyTo(record, 4);
        }
        else
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                OtlpJsonCodec.Write(w, request);
            }

            buffer.WriteByte((byte)'\n');
            record = buffer.ToArray();
        }

        lock (_lock)
        {
            _file.Write(record);
            // To the operating system now: a killed process loses nothing it acknowledged.
            _file.Flush(flushToDisk: false);
            Records++;
        }
    }

    private bool _disposed;

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _file.Flush(flushToDisk: true);
            _file.Dispose();
        }
    }
}
