using System.Buffers;
using TraceGate.Core.Traces;
using TraceGate.Core.Rules;

namespace TraceGate.Core.Otlp;

/// <summary>
/// Reads OTLP JSON lines (the Collector's file exporter: one ExportTraceServiceRequest per line) on every core. The
/// calling thread cuts the stream into chunks of whole lines and counts their newlines, so each chunk knows the line
/// and byte offset it starts at. Workers parse chunks with <see cref="OtlpJsonFastPath"/>, or with the exact
/// <see cref="OtlpJsonReader"/> when the fast path gives up, and keep what the sink needs of each span (the rule
/// engine's judgement, made on the worker, or a copy). The calling thread hands the batches to the sink in file order,
/// so the sink sees what a one-thread read would show it, and the first error in file order is the one reported.
/// Memory is bounded by the chunks in flight.
/// </summary>
internal sealed class JsonLinesReader
{
    /// <summary>Big enough that a worker's start-up per chunk is noise, small enough to keep every core busy.</summary>
    private const int ChunkBytes = 1024 * 1024;

    /// <summary>Chunks parsed or waiting per worker: enough that no core waits on this thread. Measured: 1, 2, 3 and
    /// 4 per worker, and 256 KiB to 4 MiB chunks, all within the noise of 2 cores; memory is this many chunks.</summary>
    private const int InFlightPerWorker = 2;

    private readonly ReadOptions _options;
    private readonly ISpanSink _sink;
    private readonly int _workers;

    public JsonLinesReader(ReadOptions options, ISpanSink sink, int workers)
    {
        _options = options;
        _sink = sink;
        _workers = Math.Max(1, workers);
    }

    public long Spans { get; private set; }

    /// <summary>True when the content looks like JSON lines: a first line that is one whole object, then more.</summary>
    public static bool LooksLikeJsonLines(ReadOnlySpan<byte> head)
    {
        int newline = head.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return false;
        }

        var first = head[..newline];
        if (first.StartsWith("\uFEFF"u8))
        {
            first = first[3..];
        }

        first = first.Trim(" \t\r"u8);
        return first.Length >= 2 && first[0] == (byte)'{' && first[^1] == (byte)'}';
    }

    public void Read(Stream input, string file)
    {
        var inFlight = new Queue<Task<Batch>>();
        var readers = new Stack<Worker>();
        long offset = 0;
        long line = 0;
        byte[]? carry = null;
        int carryLength = 0;
        try
        {
            while (true)
            {
                var chunk = NextChunk(input, file, ref carry, ref carryLength, offset, line);
                if (chunk is null)
                {
                    break;
                }

                offset += chunk.Length;
                line += chunk.Lines;
                if (_workers == 1)
                {
                    var batch = Parse(chunk, file, Rent(readers));
                    Deliver(batch);
                    readers.Push(batch.Reader);
                    continue;
                }

                Worker reader;
                lock (readers)
                {
                    reader = Rent(readers);
                }

                inFlight.Enqueue(Task.Run(() => Parse(chunk, file, reader)));
                // A few chunks per worker in flight keep every core busy while this thread feeds the sink.
                while (inFlight.Count > InFlightPerWorker * _workers)
                {
                    DeliverOldest(inFlight, readers);
                }
            }

            while (inFlight.Count > 0)
            {
                DeliverOldest(inFlight, readers);
            }
        }
        finally
        {
            // After an error, let the remaining workers finish before their buffers go back to the pool.
            foreach (var task in inFlight)
            {
                try
                {
                    task.Wait();
                }
                catch (AggregateException)
                {
                }
            }

            if (carry is not null)
            {
                ArrayPool<byte>.Shared.Return(carry);
            }
        }
    }

    private Worker Rent(Stack<Worker> readers) => readers.Count > 0 ? readers.Pop() : new Worker(_options, _sink as IJudgingSpanSink);

    private void DeliverOldest(Queue<Task<Batch>> inFlight, Stack<Worker> readers)
    {
        // GetResult rethrows a worker's TraceInputException as it is, so the first error in file order wins.
        var batch = inFlight.Dequeue().GetAwaiter().GetResult();
        Deliver(batch);
        lock (readers)
        {
            readers.Push(batch.Reader);
        }
    }

    private void Deliver(Batch batch)
    {
        var sink = batch.Reader.Sink;
        sink.DeliverTo(_sink);
        Spans += sink.Count;
    }

    private static Batch Parse(Chunk chunk, string file, Worker worker)
    {
        try
        {
            worker.Sink.Clear();
            if (!worker.Fast.TryRead(chunk.Buffer, chunk.Length, chunk.Offset, worker.Sink))
            {
                // The hand-written path gave up (an escape, an unusual form, or an error): the exact reader decides.
                worker.Sink.Clear();
                using var stream = new MemoryStream(chunk.Buffer, 0, chunk.Length, writable: false);
                worker.Exact.Read(stream, file, chunk.Offset, chunk.Line);
            }

            return new Batch(worker);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }
    }

    /// <summary>The next run of whole lines (the last chunk may end without a newline), or null at the end.</summary>
    private Chunk? NextChunk(Stream input, string file, ref byte[]? carry, ref int carryLength, long offset, long line)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        int length = 0;
        if (carryLength > 0)
        {
            EnsureCapacity(ref buffer, carryLength, file, offset);
            carry.AsSpan(0, carryLength).CopyTo(buffer);
            length = carryLength;
            carryLength = 0;
        }

        while (true)
        {
            int n = length < buffer.Length ? input.Read(buffer, length, buffer.Length - length) : 0;
            if (n > 0)
            {
                length += n;
                if (length < buffer.Length)
                {
                    continue;
                }
            }

            bool end = n <= 0 && length < buffer.Length;
            int cut = end ? length : buffer.AsSpan(0, length).LastIndexOf((byte)'\n') + 1;
            if (cut == 0 && !end)
            {
                // No newline in the whole buffer: one line longer than a chunk. Grow, up to the message limit.
                EnsureCapacity(ref buffer, buffer.Length + 1, file, offset);
                continue;
            }

            if (length == 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return null;
            }

            // What follows the last newline starts the next chunk.
            int rest = length - cut;
            if (rest > 0)
            {
                if (carry is null || carry.Length < rest)
                {
                    if (carry is not null)
                    {
                        ArrayPool<byte>.Shared.Return(carry);
                    }

                    carry = ArrayPool<byte>.Shared.Rent(Math.Max(rest, ChunkBytes));
                }

                buffer.AsSpan(cut, rest).CopyTo(carry);
                carryLength = rest;
            }

            return new Chunk(buffer, cut, offset, line, buffer.AsSpan(0, cut).Count((byte)'\n'));
        }
    }

    private void EnsureCapacity(ref byte[] buffer, int needed, string file, long offset)
    {
        if (needed <= buffer.Length)
        {
            return;
        }

        if (buffer.Length >= _options.MaxMessageBytes)
        {
            throw new TraceInputException($"{file}: byte offset {offset}: a single JSON line is over {_options.MaxMessageBytes / (1024 * 1024)} MiB");
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(needed, buffer.Length * 2), _options.MaxMessageBytes));
        buffer.CopyTo(bigger, 0);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
    }

    private sealed record Chunk(byte[] Buffer, int Length, long Offset, long Line, int Lines);

    private sealed record Batch(Worker Reader);

    /// <summary>One worker's readers and its batch of span copies; a worker parses one chunk at a time.</summary>
    private sealed class Worker
    {
        public Worker(ReadOptions options, IJudgingSpanSink? judge)
        {
            Sink = new SpanBatch(judge);
            Exact = new OtlpJsonReader(options, Sink);
            Fast = new OtlpJsonFastPath(options);
        }

        public SpanBatch Sink { get; }

        public OtlpJsonReader Exact { get; }

        public OtlpJsonFastPath Fast { get; }
    }
}
