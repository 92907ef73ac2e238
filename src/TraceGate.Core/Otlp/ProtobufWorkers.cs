using System.Buffers;
using TraceGate.Core.Rules;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Otlp;

/// <summary>
/// Parses OTLP protobuf on every core, as <see cref="JsonLinesReader"/> does JSON lines: the reading thread reads the
/// top-level messages (each ResourceSpans, or each framed record) straight into chunks of about 1 MiB, each with the file
/// offset of every message, so a worker's spans and errors carry the offsets a one-thread read gives. A worker parses
/// a chunk with its own <see cref="OtlpProtobufReader"/> and keeps the sink's judgements (or span copies) in a
/// <see cref="SpanBatch"/>; the reading thread hands the batches to the sink in file order, so the sink, and the
/// report, see exactly what one thread shows them, and the first error in file order is the one raised.
/// Memory is bounded by the chunks in flight.
/// </summary>
internal sealed class ProtobufWorkers : OtlpProtobufReader.IMessageTarget
{
    private const int ChunkBytes = 1024 * 1024;

    /// <summary>Chunks parsed or waiting per worker, as for JSON lines.</summary>
    private const int InFlightPerWorker = 2;

    private readonly ReadOptions _options;
    private readonly ISpanSink _sink;
    private readonly string _file;
    private readonly int _workers;
    private readonly Queue<Task<Worker>> _inFlight = new();
    private readonly Stack<Worker> _idle = new();
    private Chunk? _current;
    private bool _failed;

    public ProtobufWorkers(ReadOptions options, ISpanSink sink, string file, int workers)
    {
        _options = options;
        _sink = sink;
        _file = file;
        _workers = Math.Max(1, workers);
    }

    /// <summary>Spans handed to the sink.</summary>
    public long Spans { get; private set; }

    /// <summary>Room for the next message at the end of the current chunk (the reading thread reads it straight there).</summary>
    public Span<byte> Reserve(int length)
    {
        if (_current is { } c && c.Length + length > c.Buffer.Length)
        {
            Dispatch();
        }

        var chunk = _current ??= new Chunk(ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, length)));
        return chunk.Buffer.AsSpan(chunk.Length, length);
    }

    /// <summary>The reserved message is read: it joins the chunk, and a full chunk goes to a worker.</summary>
    public void Commit(ReadOnlySpan<byte> message, long offset, bool tracesData)
    {
        var chunk = _current!;
        chunk.Messages.Add((chunk.Length, message.Length, offset, tracesData));
        chunk.Length += message.Length;
        if (chunk.Length >= ChunkBytes)
        {
            Dispatch();
        }
    }

    /// <summary>Sends the last chunk and hands every batch on, in order; rethrows the first worker's error in file order.</summary>
    public void Drain()
    {
        if (_failed)
        {
            // A worker's error is already on its way up: it comes first in file order.
            return;
        }

        Dispatch();
        while (_inFlight.Count > 0)
        {
            DeliverOldest();
        }
    }

    /// <summary>After an error: lets the workers still running finish before their buffers go back to the pool.</summary>
    public void WaitAll()
    {
        foreach (var task in _inFlight)
        {
            try
            {
                task.Wait();
            }
            catch (AggregateException)
            {
            }
        }

        _inFlight.Clear();
        if (_current is { } c)
        {
            ArrayPool<byte>.Shared.Return(c.Buffer);
            _current = null;
        }
    }

    private void Dispatch()
    {
        if (_current is not { } chunk)
        {
            return;
        }

        _current = null;
        Worker worker;
        lock (_idle)
        {
            worker = _idle.Count > 0 ? _idle.Pop() : new Worker(_options, _sink as IJudgingSpanSink);
        }

        _inFlight.Enqueue(Task.Run(() => Parse(chunk, worker)));
        // A few chunks per worker in flight keep every core busy while this thread feeds the sink.
        while (_inFlight.Count > InFlightPerWorker * _workers)
        {
            DeliverOldest();
        }
    }

    private Worker Parse(Chunk chunk, Worker worker)
    {
        try
        {
            worker.Batch.Clear();
            worker.Error = null;
            foreach (var (start, length, offset, tracesData) in chunk.Messages)
            {
                worker.Reader.ParseMessage(chunk.Buffer.AsSpan(start, length), offset, tracesData, _file);
            }

            return worker;
        }
        catch (TraceInputException e)
        {
            // The spans before the error go on first, as one thread would have handed them on.
            worker.Error = e;
            return worker;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }
    }

    private void DeliverOldest()
    {
        // GetResult rethrows a worker's TraceInputException as it is, so the first error in file order wins.
        Worker worker;
        try
        {
            worker = _inFlight.Dequeue().GetAwaiter().GetResult();
        }
        catch
        {
            _failed = true;
            throw;
        }

        worker.Batch.DeliverTo(_sink);
        Spans += worker.Batch.Count;
        if (worker.Error is { } error)
        {
            _failed = true;
            throw error;
        }

        lock (_idle)
        {
            _idle.Push(worker);
        }
    }

    private sealed class Chunk(byte[] buffer)
    {
        public byte[] Buffer { get; } = buffer;

        public int Length { get; set; }

        public List<(int Start, int Length, long Offset, bool TracesData)> Messages { get; } = [];
    }

    /// <summary>One worker's reader and its batch; a worker parses one chunk at a time.</summary>
    private sealed class Worker
    {
        public Worker(ReadOptions options, IJudgingSpanSink? judge)
        {
            Batch = new SpanBatch(judge);
            Reader = new OtlpProtobufReader(options, Batch);
        }

        public SpanBatch Batch { get; }

        public OtlpProtobufReader Reader { get; }

        /// <summary>The error that ended the chunk, raised when the chunk's turn comes.</summary>
        public TraceInputException? Error { get; set; }
    }
}
