using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using TraceGate.Cli.Hosts;
using TraceGate.Core.Rules;

namespace TraceGate.Cli.Receiver;

/// <summary><c>tracegate receive</c>: run the receiver until SIGTERM or SIGINT; or, with --wait-idle, wait until a
/// running receiver has had no request for that long.</summary>
public static class ReceiveCommand
{
    public static int Run(RunContext ctx, string listen, string output, string format, string? pidFile, int maxBodyMiB, int maxConcurrent, string? grpcListen = null)
    {
        var at = ListenAddress.Parse(listen, "--listen");
        int? grpcPort = null;
        if (grpcListen is not null)
        {
            var grpc = ListenAddress.Parse(grpcListen, "--grpc-listen");
            if (!grpc.Address.Equals(at.Address) || grpc.Localhost != at.Localhost)
            {
                throw new UserInputException($"--grpc-listen {grpcListen}: use the same address as --listen ({at}), on another port");
            }

            grpcPort = grpc.Port;
        }

        if (format is not ("proto" or "jsonl"))
        {
            throw new UserInputException($"--format '{format}': expected proto or jsonl");
        }

        if (at.Warning is { } warning)
        {
            ctx.Error.WriteLine("tracegate: warning: " + warning);
        }

        var options = new ReceiveOptions(at.Address, at.Port, ctx.Resolve(output), format == "proto")
        {
            Localhost = at.Localhost,
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

    /// <summary>
    /// Polls a running receiver until no request has come for <paramref name="idleText"/>. Fails at once when nothing
    /// listens there (before or during the wait), or when what answers is not a receiver: waiting out the timeout
    /// would only delay the same answer.
    /// </summary>
    public static int WaitIdle(RunContext ctx, string listen, string idleText, string timeoutText)
    {
        var at = ListenAddress.Parse(listen, "--listen");
        var idle = ParseDuration(idleText, "--wait-idle");
        var timeout = ParseDuration(timeoutText, "--timeout");
        if (timeout <= idle)
        {
            throw new UserInputException($"--timeout {timeoutText} is not longer than --wait-idle {idleText}: the receiver cannot be seen idle for {idleText} "
                + $"within {timeoutText}; give a --timeout longer than --wait-idle");
        }

        var url = at.Url("/tracegate/status");
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string? last = null;
        while (true)
        {
            var left = timeout - clock.Elapsed;
            using var attempt = new CancellationTokenSource(left < PollTimeout ? left : PollTimeout);
            try
            {
                using var response = http.GetAsync(url, attempt.Token).GetAwaiter().GetResult();
                if (!response.IsSuccessStatusCode)
                {
                    throw new UserInputException($"{url} answered HTTP {(int)response.StatusCode}: is a tracegate receiver listening on {at}?");
                }

                using var doc = JsonDocument.Parse(response.Content.ReadAsStringAsync(attempt.Token).GetAwaiter().GetResult());
                long spans = doc.RootElement.GetProperty("spans").GetInt64();
                long idleMs = doc.RootElement.GetProperty("idleMs").GetInt64();
                last = $"{spans} spans received, the last request {idleMs} ms ago";
                if (idleMs >= idle.TotalMilliseconds)
                {
                    ctx.Out.WriteLine($"idle: {spans} spans received, no request for {idleMs} ms");
                    return ExitCodes.Success;
                }
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                bool refused = e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused };
                throw new UserInputException(last is not null
                    ? $"nothing is listening on {at} any more: the receiver stopped before it was idle for {idleText}"
                    : refused
                        ? $"nothing is listening on {at}: start 'tracegate receive --listen {at}' first, and wait for its 'ready' line"
                        : $"cannot connect to {at}: {e.Message}");
            }
            catch (HttpRequestException)
            {
                // A connection reset mid-answer: ask again until the deadline.
            }
            catch (OperationCanceledException)
            {
                // No answer within the poll timeout: ask again until the deadline.
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new UserInputException($"{url} answered, but not with a tracegate receiver's status: is a tracegate receiver listening on {at}?");
            }

            if (clock.Elapsed + PollInterval >= timeout)
            {
                throw new UserInputException($"the receiver at {at} did not become idle for {idleText} within {timeoutText}"
                    + (last is null ? ": it never answered" : $" ({last})"));
            }

            Thread.Sleep(PollInterval);
        }
    }

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(5);

    public static TimeSpan ParseDuration(string text, string option) =>
        TraceGate.Core.Rules.Quantities.Nanos(text) is { } ns && ns / 100 < TimeSpan.MaxValue.Ticks ? TimeSpan.FromTicks((long)(ns / 100))
            : throw new UserInputException($"{option} '{text}': expected a duration such as 2s or 500ms");
}
