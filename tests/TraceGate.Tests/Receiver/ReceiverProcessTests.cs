using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using FluentAssertions;
using TraceGate.Core.Otlp;
using TraceGate.Core.Traces;
using TraceGate.Tests.TestInfrastructure;
using Xunit.Abstractions;

namespace TraceGate.Tests.Receiver;

/// <summary>`tracegate receive` as a separate process: killed mid-stream, stopped with SIGTERM, and loaded by
/// concurrent exporters on loopback (bounded in count and time). No acknowledged span may be lost.</summary>
public sealed class ReceiverProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed record Receiver(Process Process, Uri Url);

    private Receiver Start(string file, int maxConcurrent = 8, string listen = "127.0.0.1:0", string readyPrefix = "ready http://127.0.0.1:")
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tracegate.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "receive", "--listen", listen, "--out", file, "--pid-file", _dir.File("pid"), "--max-concurrent", maxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var p = Process.Start(psi)!;
        var ready = p.StandardOutput.ReadLine();
        if (ready is null)
        {
            // Read stderr only when the receiver died: reading it otherwise blocks until the process exits.
            throw new InvalidOperationException("the receiver did not start: " + p.StandardError.ReadToEnd());
        }

        ready.Should().StartWith(readyPrefix);
        File.ReadAllText(_dir.File("pid")).Trim().Should().Be(p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new Receiver(p, new Uri(ready!["ready ".Length..]));
    }

    private static ByteArrayContent Batch(int batch, int spans)
    {
        var list = Enumerable.Range(0, spans).Select(i => Otlp.Span("s", (ulong)((batch * 1000) + i + 1))).ToArray();
        var c = new ByteArrayContent(Otlp.Request(list));
        c.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return c;
    }

    private static HashSet<string> SpanIdsIn(string file, out TraceFileInfo info)
    {
        var ids = new HashSet<string>();
        var sink = new IdSink(ids);
        using var s = File.OpenRead(file);
        info = TraceFileReader.Read(Path.GetFileName(file), s, new ReadOptions(), sink);
        return ids;
    }

    [Fact]
    public async Task SigKillMidStream_EveryAcknowledgedSpanIsInTheFile()
    {
        var file = _dir.File("killed.pb");
        var r = Start(file);
        using var http = new HttpClient();
        var acked = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (int b = 0; b < 10_000 && !stop.IsCancellationRequested; b++)
            {
                int batch = (t * 10_000) + b;
                try
                {
                    var resp = await http.PostAsync(new Uri(r.Url, "/v1/traces"), Batch(batch, 20));
                    if (resp.IsSuccessStatusCode)
                    {
                        for (int i = 0; i < 20; i++)
                        {
                            acked.Add(SpanData.SpanIdText((ulong)((batch * 1000) + i + 1)));
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    return;
                }
            }
        })).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (acked.Count < 4000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        r.Process.Kill();
        r.Process.WaitForExit(10_000);
        stop.Cancel();
        await Task.WhenAll(senders);

        var inFile = SpanIdsIn(file, out var info);
        acked.Should().NotBeEmpty();
        acked.Where(id => !inFile.Contains(id)).Should().BeEmpty("every span that got a 2xx was written before the answer");
        output.WriteLine($"killed after {acked.Count} acknowledged spans; the file holds {inFile.Count}; torn tail: {info.Warning ?? "none"}");
    }

    [Fact]
    public async Task SigTerm_StopsAfterFlushing()
    {
        var file = _dir.File("term.pb");
        var r = Start(file);
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(r.Url, "/v1/traces"), Batch(1, 50))).StatusCode.Should().Be(HttpStatusCode.OK);
        using (var kill = Process.Start("kill", ["-TERM", r.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        r.Process.WaitForExit(10_000).Should().BeTrue();
        r.Process.ExitCode.Should().Be(0);
        (await r.Process.StandardOutput.ReadToEndAsync()).Should().Contain("stopped: 50 spans in 1 records");
        SpanIdsIn(file, out _).Should().HaveCount(50);
    }

    private static void Terminate(Process p)
    {
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        p.WaitForExit(10_000).Should().BeTrue();
    }

    [Fact]
    public async Task ListenAsTheReadyLinePrintsIt_ReceivesAndWaitIdleAcceptsTheReadyUrl()
    {
        // What the ready line prints (http://HOST:PORT) is what users paste into the next step.
        var r = Start(_dir.File("url.pb"), listen: "http://127.0.0.1:0");
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(r.Url, "/v1/traces"), Batch(1, 20))).StatusCode.Should().Be(HttpStatusCode.OK);

        var wait = CliHarness.Run(_dir.Path, "receive", "--listen", r.Url.GetLeftPart(UriPartial.Authority), "--wait-idle", "300ms", "--timeout", "30s");
        Terminate(r.Process);

        wait.ExitCode.Should().Be(0, wait.Out + wait.Error);
        wait.Out.Should().StartWith("idle: 20 spans received");
    }

    [Fact]
    public async Task ListenOnLocalhost_AcceptsIPv4AndIPv6LoopbackAndWaitIdleFindsIt()
    {
        int port = ReceiveCommandTests.FreePort();
        var r = Start(_dir.File("localhost.pb"), listen: $"localhost:{port}", readyPrefix: $"ready http://localhost:{port}");
        using var http = new HttpClient();
        (await http.PostAsync(new Uri($"http://127.0.0.1:{port}/v1/traces"), Batch(1, 10))).StatusCode.Should().Be(HttpStatusCode.OK);
        int spans = 10;
        if (System.Net.Sockets.Socket.OSSupportsIPv6 && HasIPv6Loopback())
        {
            // Exporters configured with http://localhost:4318 may resolve it to ::1 first.
            (await http.PostAsync(new Uri($"http://[::1]:{port}/v1/traces"), Batch(2, 10))).StatusCode.Should().Be(HttpStatusCode.OK);
            spans += 10;
        }

        var wait = CliHarness.Run(_dir.Path, "receive", "--listen", $"localhost:{port}", "--wait-idle", "300ms", "--timeout", "30s");
        Terminate(r.Process);

        wait.ExitCode.Should().Be(0, wait.Out + wait.Error);
        wait.Out.Should().StartWith($"idle: {spans} spans received");
        output.WriteLine($"localhost:{port}: {spans} spans over {(spans == 20 ? "127.0.0.1 and ::1" : "127.0.0.1 (no IPv6 loopback here)")}");
    }

    private static bool HasIPv6Loopback()
    {
        try
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.IPv6Loopback, 0);
            probe.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task WaitIdle_WhenTheReceiverStopsWhileWaiting_FailsAtOnce()
    {
        var r = Start(_dir.File("gone.pb"));
        var waiting = Task.Run(() => CliHarness.Run(_dir.Path, "receive", "--listen", r.Url.GetLeftPart(UriPartial.Authority), "--wait-idle", "50s", "--timeout", "55s"));
        await Task.Delay(1000);
        Terminate(r.Process);
        var wait = await waiting.WaitAsync(TimeSpan.FromSeconds(40));

        wait.ExitCode.Should().Be(2, wait.Out + wait.Error);
        wait.Error.Should().Contain($"nothing is listening on {r.Url.Authority} any more: the receiver stopped before it was idle for 50s");
    }

    [Fact]
    public async Task Load_ConcurrentExporters_NothingLostAndMemoryBounded()
    {
        const int exporters = 8, batches = 60, spansPerBatch = 100;
        var file = _dir.File("load.pb");
        var r = Start(file, maxConcurrent: 4);
        using var http = new HttpClient();
        long rejected = 0;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, exporters).Select(e => Task.Run(async () =>
        {
            for (int b = 0; b < batches; b++)
            {
                // Retry on 503 as OTLP exporters do, honouring Retry-After (shortened here), at most 50 times.
                for (int attempt = 0; ; attempt++)
                {
                    var resp = await http.PostAsync(new Uri(r.Url, "/v1/traces"), Batch((e * batches) + b, spansPerBatch));
                    if (resp.IsSuccessStatusCode)
                    {
                        break;
                    }

                    resp.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
                    Interlocked.Increment(ref rejected);
                    attempt.Should().BeLessThan(50);
                    await Task.Delay(5);
                }
            }
        })));
        sw.Stop();
        var status = File.ReadAllLines($"/proc/{r.Process.Id}/status");
        string peak = status.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?";
        r.Process.Kill();
        r.Process.WaitForExit(10_000);
        int total = exporters * batches * spansPerBatch;
        SpanIdsIn(file, out _).Should().HaveCount(total, "every acknowledged span is in the file");
        output.WriteLine($"{total} spans from {exporters} exporters in {sw.Elapsed.TotalSeconds:0.00} s = {total / sw.Elapsed.TotalSeconds:0} spans/s; {rejected} requests got 503 and were retried; receiver peak RSS {peak}");
    }

    private sealed class IdSink(HashSet<string> ids) : ISpanSink
    {
        public void OnSpan(SpanData span) => ids.Add(SpanData.SpanIdText(span.SpanId));
    }
}
