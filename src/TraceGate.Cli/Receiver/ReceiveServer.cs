using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TraceGate.Core.Otlp;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Core.Traces;

namespace TraceGate.Cli.Receiver;

public sealed record ReceiveOptions(IPAddress Address, int Port, string Out, bool Proto)
{
    /// <summary>Largest request body accepted, compressed or not (413 above).</summary>
    public long MaxBodyBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Requests handled at once; more get 503 with Retry-After, so memory stays bounded by this times the
    /// body limit instead of growing with the load.</summary>
    public int MaxConcurrent { get; init; } = 8;

    /// <summary>Also serve OTLP/gRPC (HTTP/2 without TLS) on this port; null for HTTP only.</summary>
    public int? GrpcPort { get; init; }

    /// <summary>Listen on both loopback addresses (127.0.0.1 and ::1 where the machine has it) instead of
    /// <see cref="Address"/>; a free port (0) is taken on 127.0.0.1 only.</summary>
    public bool Localhost { get; init; }
}

/// <summary>
/// An OTLP/HTTP trace receiver (POST /v1/traces) that writes what test runs export to one file the trace gates
/// read. Answers as the OTLP/HTTP specification says: an ExportTraceServiceResponse (with partial success when some
/// spans are rejected), 400 for a malformed body, 413 over the size limit, 415 for other content types, 503 with
/// Retry-After when every slot is busy. A request is answered only after its record is in the file.
/// </summary>
public sealed class ReceiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TraceStore _store;
    private readonly ReceiveOptions _options;
    private readonly SemaphoreSlim _slots;
    private long _spans;
    private long _lastRequestTicks = Environment.TickCount64;

    private ReceiveServer(WebApplication app, TraceStore store, ReceiveOptions options)
    {
        _app = app;
        _store = store;
        _options = options;
        _slots = new SemaphoreSlim(options.MaxConcurrent, options.MaxConcurrent);
    }

    public Uri Url { get; private set; } = null!;

    public Uri? GrpcUrl { get; private set; }

    public long Spans => Interlocked.Read(ref _spans);

    public long Records => _store.Records;

    public static async Task<ReceiveServer> StartAsync(ReceiveOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            void On(int port, Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> configure)
            {
                if (options.Localhost && port != 0)
                {
                    k.ListenLocalhost(port, configure);
                }
                else
                {
                    k.Listen(options.Address, port, configure);
                }
            }

            On(options.Port, _ => { });
            if (options.GrpcPort is { } grpcPort)
            {
                // gRPC clients speak HTTP/2 with prior knowledge on a cleartext port.
                On(grpcPort, o => o.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
            }

            k.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var server = new ReceiveServer(app, new TraceStore(options.Out, options.Proto), options);
        app.MapPost("/v1/traces", server.Export);
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", server.ExportGrpc);
        app.MapGet("/tracegate/status", server.Status);
        await app.StartAsync().ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal))).ToList();
        server.Url = addresses[0];
        server.GrpcUrl = options.GrpcPort is null ? null : addresses.Count > 1 ? addresses[1] : null;
        return server;
    }

    private async Task Status(HttpContext ctx)
    {
        ctx.Response.ContentType = "application/json";
        long idle = Environment.TickCount64 - Interlocked.Read(ref _lastRequestTicks);
        await ctx.Response.WriteAsync($"{{\"spans\":{Spans},\"records\":{Records},\"idleMs\":{idle}}}").ConfigureAwait(false);
    }

    private async Task Export(HttpContext ctx)
    {
        Interlocked.Exchange(ref _lastRequestTicks, Environment.TickCount64);
        var media = ctx.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        bool proto = media == "application/x-protobuf";
        if (!proto && media != "application/json")
        {
            await Fail(ctx, StatusCodes.Status415UnsupportedMediaType, proto, $"content type '{media}': expected application/x-protobuf or application/json").ConfigureAwait(false);
            return;
        }

        if (!await _slots.WaitAsync(0).ConfigureAwait(false))
        {
            // Backpressure by refusal, not by queueing: exporters retry after Retry-After.
            ctx.Response.Headers.RetryAfter = "1";
            await Fail(ctx, StatusCodes.Status503ServiceUnavailable, proto, "the receiver is busy; retry after 1 s").ConfigureAwait(false);
            return;
        }

        try
        {
            byte[] body;
            try
            {
                body = await ReadBody(ctx.Request).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await Fail(ctx, StatusCodes.Status413PayloadTooLarge, proto, $"the request body is over {_options.MaxBodyBytes} bytes").ConfigureAwait(false);
                return;
            }
            catch (InvalidDataException e)
            {
                await Fail(ctx, e.Message.StartsWith("over", StringComparison.Ordinal) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, proto, e.Message).ConfigureAwait(false);
                return;
            }

            ExportTraceServiceRequest request;
            try
            {
                request = OtlpRequestDecoder.Decode(body, proto);
            }
            catch (TraceInputException e)
            {
                await Fail(ctx, StatusCodes.Status400BadRequest, proto, e.Message).ConfigureAwait(false);
                return;
            }

            var response = Accept(request);
            ctx.Response.StatusCode = StatusCodes.Status200OK;
            if (proto)
            {
                ctx.Response.ContentType = "application/x-protobuf";
                await ctx.Response.Body.WriteAsync(response.ToByteArray()).ConfigureAwait(false);
            }
            else
            {
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(response.PartialSuccess is { } partial
                    ? $"{{\"partialSuccess\":{{\"rejectedSpans\":\"{partial.RejectedSpans}\",\"errorMessage\":\"{partial.ErrorMessage}\"}}}}"
                    : "{}").ConfigureAwait(false);
            }
        }
        finally
        {
            _slots.Release();
            Interlocked.Exchange(ref _lastRequestTicks, Environment.TickCount64);
        }
    }

    /// <summary>OTLP/gRPC: one unary call, a 5-byte prefix (compressed flag, big-endian length) before each message,
    /// the status in the grpc-status trailer.</summary>
    private async Task ExportGrpc(HttpContext ctx)
    {
        Interlocked.Exchange(ref _lastRequestTicks, Environment.TickCount64);
        ctx.Response.ContentType = "application/grpc";
        if (ctx.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            ctx.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        if (!await _slots.WaitAsync(0).ConfigureAwait(false))
        {
            await GrpcStatus(ctx, 14, "the receiver is busy").ConfigureAwait(false);
            return;
        }

        try
        {
            byte[] frame;
            try
            {
                frame = await ReadBody(ctx.Request).ConfigureAwait(false);
            }
            catch (BadHttpRequestException)
            {
                await GrpcStatus(ctx, 8, $"the message is over {_options.MaxBodyBytes} bytes").ConfigureAwait(false);
                return;
            }

            if (frame.Length < 5 || System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1)) != frame.Length - 5)
            {
                await GrpcStatus(ctx, 3, "expected one length-prefixed message").ConfigureAwait(false);
                return;
            }

            var message = frame.AsSpan(5).ToArray();
            if (frame[0] == 1)
            {
                if (!string.Equals(ctx.Request.Headers["grpc-encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
                {
                    await GrpcStatus(ctx, 12, "only gzip message compression is supported").ConfigureAwait(false);
                    return;
                }

                using var gz = new GZipStream(new MemoryStream(message), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                await gz.CopyToAsync(plain).ConfigureAwait(false);
                message = plain.ToArray();
            }

            ExportTraceServiceRequest request;
            try
            {
                request = OtlpRequestDecoder.Decode(message, proto: true);
            }
            catch (TraceInputException e)
            {
                await GrpcStatus(ctx, 3, e.Message).ConfigureAwait(false);
                return;
            }

            var body = Accept(request).ToByteArray();
            var reply = new byte[body.Length + 5];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(reply.AsSpan(1), (uint)body.Length);
            body.CopyTo(reply, 5);
            ctx.Response.StatusCode = StatusCodes.Status200OK;
            await ctx.Response.Body.WriteAsync(reply).ConfigureAwait(false);
            ctx.Response.AppendTrailer("grpc-status", "0");
        }
        finally
        {
            _slots.Release();
            Interlocked.Exchange(ref _lastRequestTicks, Environment.TickCount64);
        }
    }

    private static async Task GrpcStatus(HttpContext ctx, int code, string message)
    {
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        await ctx.Response.StartAsync().ConfigureAwait(false);
        ctx.Response.AppendTrailer("grpc-status", code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ctx.Response.AppendTrailer("grpc-message", Uri.EscapeDataString(message));
    }

    private async Task<byte[]> ReadBody(HttpRequest request)
    {
        using var raw = new MemoryStream();
        await request.Body.CopyToAsync(raw).ConfigureAwait(false);
        if (!string.Equals(request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
        {
            return raw.ToArray();
        }

        raw.Position = 0;
        using var gzip = new GZipStream(raw, CompressionMode.Decompress);
        using var plain = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await gzip.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (plain.Length + n > _options.MaxBodyBytes)
            {
                throw new InvalidDataException($"over {_options.MaxBodyBytes} bytes once decompressed");
            }

            plain.Write(buffer, 0, n);
        }

        return plain.ToArray();
    }

    /// <summary>Stores the valid spans (before the caller answers) and says which were rejected.</summary>
    private ExportTraceServiceResponse Accept(ExportTraceServiceRequest request)
    {
        int rejected = RemoveInvalidSpans(request, out int accepted);
        if (accepted > 0)
        {
            _store.Append(request);
            Interlocked.Add(ref _spans, accepted);
        }

        var response = new ExportTraceServiceResponse();
        if (rejected > 0)
        {
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = "spans without a 16-byte trace id or an 8-byte span id were rejected" };
        }

        return response;
    }

    private static int RemoveInvalidSpans(ExportTraceServiceRequest request, out int accepted)
    {
        int rejected = 0;
        accepted = 0;
        foreach (var ss in request.ResourceSpans.SelectMany(rs => rs.ScopeSpans))
        {
            for (int i = ss.Spans.Count - 1; i >= 0; i--)
            {
                var s = ss.Spans[i];
                if (s.TraceId.Length != 16 || s.SpanId.Length != 8)
                {
                    ss.Spans.RemoveAt(i);
                    rejected++;
                }
                else
                {
                    accepted++;
                }
            }
        }

        return rejected;
    }

    private static async Task Fail(HttpContext ctx, int status, bool proto, string message)
    {
        ctx.Response.StatusCode = status;
        var rpc = new RpcStatus { Code = status switch { 400 => 3, 413 => 8, 415 => 3, 503 => 14, _ => 2 }, Message = message };
        if (proto)
        {
            ctx.Response.ContentType = "application/x-protobuf";
            await ctx.Response.Body.WriteAsync(rpc.ToByteArray()).ConfigureAwait(false);
        }
        else
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(JsonEncodedText.Encode(message).ToString() is var m ? $"{{\"code\":{rpc.Code},\"message\":\"{m}\"}}" : "").ConfigureAwait(false);
        }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        _slots.Dispose();
    }
}
