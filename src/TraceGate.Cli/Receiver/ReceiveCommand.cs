using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using TraceGate.Cli.Hosts;

namespace TraceGate.Cli.Receiver;

/// <summary><c>tracegate receive</c>: run the receiver until SIGTERM or SIGINT; or, with --wait-idle, wait until a
/// running receiver has had no request for that long.</summary>
public static class ReceiveCommand
{
    public static (IPAddress Address, int Port) ParseListen(string listen)
    {
        int colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535
            || !IPAddress.TryParse(listen[..colon].Trim('[', ']'), out var address))
        {
            throw new UserInputException($"--listen '{listen}': expected HOST:PORT with an IP address, e.g. 127.0.0.1:4318 (port 0 picks a free port)");
        }

        return (address, port);
    }

    public static int Run(RunContext ctx, string listen, string output, string format, string? pidFile, int maxBodyMiB, int maxConcurrent, string? grpcListen = null)
    {
        var (address, port) = ParseListen(listen);
        int? grpcPort = null;
        if (grpcListen is not null)
        {
            var (grpcAddress, gp) = ParseListen(grpcListen);
            if (!grpcAddress.Equals(address))
            {
                throw new UserInputException($"--grpc-listen {grpcListen}: use the same address as --listen ({address})");
            }

            grpcPort = gp;
        }

        if (format is not ("proto" or "jsonl"))
        {
            throw new UserInputException($"--format '{format}': expected proto or jsonl");
        }

        var options = new ReceiveOptions(address, port, ctx.Resolve(output), format == "proto")
        {
            MaxBodyBytes = maxBodyMiB * 1024L * 1024,
            MaxConcurrent = maxConcurrent,
            GrpcPort = grpcPort,
        };
        ReceiveServer server;
        try
        {
            server = ReceiveServer.StartAsync(options).GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            throw new UserInputException($"--listen {listen}: cannot listen: {e.Message}");
        }

        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        if (pidFile is not null)
        {
            File.WriteAllText(ctx.Resolve(pidFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        }

        // The one line a script waits for before starting the tests.
        ctx.Out.WriteLine($"ready {server.Url.GetLeftPart(UriPartial.Authority)}" + (server.GrpcUrl is { } g ? $" grpc {g.GetLeftPart(UriPartial.Authority)}" : ""));
        ctx.Out.Flush();
        try
        {
            stop.Token.WaitHandle.WaitOne();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            ctx.Out.WriteLine($"stopped: {server.Spans} spans in {server.Records} records written to {output}");
        }

        return ExitCodes.Success;
    }

    /// <summary>Polls a running receiver until no request has come for <paramref name="idle"/>.</summary>
    public static int WaitIdle(RunContext ctx, string listen, TimeSpan idle, TimeSpan timeout)
    {
        var (address, port) = ParseListen(listen);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var url = new Uri($"http://{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString())}:{port}/tracegate/status");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var doc = JsonDocument.Parse(http.GetStringAsync(url).GetAwaiter().GetResult());
                long idleMs = doc.RootElement.GetProperty("idleMs").GetInt64();
                if (idleMs >= idle.TotalMilliseconds)
                {
                    ctx.Out.WriteLine($"idle: {doc.RootElement.GetProperty("spans").GetInt64()} spans received, no request for {idleMs} ms");
                    return ExitCodes.Success;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet, or gone: keep trying until the deadline.
            }

            Thread.Sleep(100);
        }

        throw new UserInputException($"the receiver at {listen} did not become idle for {idle.TotalSeconds:0.#} s within {timeout.TotalSeconds:0} s");
    }

    public static TimeSpan ParseDuration(string text, string option) =>
        TraceGate.Core.Traces.Quantities.Nanos(text) is { } ns ? TimeSpan.FromTicks((long)(ns / 100))
            : throw new UserInputException($"{option} '{text}': expected a duration such as 2s or 500ms");
}
