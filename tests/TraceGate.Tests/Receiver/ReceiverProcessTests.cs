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

    private Receiver Start(string file, int maxConcurrent = 8)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tracegate.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "receive", "--listen", "127.0.0.1:0", "--out", file, "--pid-file", _dir.File("pid"), "--max-concurrent", maxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture)])
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

        ready.Should().StartWith("ready http://127.0.0.1:");
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
