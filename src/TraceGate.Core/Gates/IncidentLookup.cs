using TraceGate.Core.Model;
using TraceGate.Core.Otlp;
using TraceGate.Core.Policy;
using TraceGate.Core.Rules;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Gates;

/// <summary>
/// Finds the incident's trace for <c>proof.incident</c>: the <c>proof.incident-traces</c> globs with the PR's
/// incident id and primary trace id filled in, read by the same streaming readers as every trace file, keeping only
/// the primary trace's spans; or a trace backend's answer. Pure: the host opens the files and asks the backend.
/// </summary>
public static class IncidentLookup
{
    /// <summary>The globs with <c>{incident}</c> and <c>{traceId}</c> filled in. A glob that needs an incident id
    /// the evidence does not give is left out.</summary>
    /// <exception cref="ArgumentException">The incident id (PR text) has '/', '\' or '..': it would leave the folder.</exception>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> globs, string? incident, string traceId)
    {
        if (incident is not null && (incident.Contains('/') || incident.Contains('\\') || incident.Contains("..", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"the incident id '{incident}' from the evidence would leave the incident traces' folder: an incident id with '/', '\\' or '..' is refused (proof.incident-traces)");
        }

        return globs.Where(g => incident is not null || !g.Contains("{incident}", StringComparison.Ordinal))
            .Select(g => g.Replace("{incident}", incident ?? "", StringComparison.Ordinal).Replace("{traceId}", traceId, StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Reads the committed files; Found when they hold spans of the trace.</summary>
    public static IncidentTraces FromFiles(TracesPolicy policy, IReadOnlyList<(string Name, Func<Stream> Open)> files, TraceId traceId)
    {
        var (engine, timeline, sink) = Engine(policy, traceId);
        foreach (var (name, open) in files)
        {
            using var stream = open();
            TraceFileReader.Read(name, stream, Options(policy), sink);
        }

        engine.Finish();
        string source = files.Count == 1 ? files[0].Name : $"{files.Count} incident trace files ({string.Join(", ", files.Take(3).Select(f => f.Name))}{(files.Count > 3 ? ", …" : "")})";
        return engine.Spans == 0
            ? new IncidentTraces(IncidentStatus.NotFound, source, null, $"{sink.Other} spans of other traces, none of trace {traceId}")
            : new IncidentTraces(IncidentStatus.Found, source, engine, $"{engine.Spans} spans") { Timeline = timeline.Timeline(traceId) };
    }

    /// <summary>Reads a backend's answer for the trace.</summary>
    public static IncidentTraces FromAnswer(TracesPolicy policy, string source, byte[] answer, TraceId traceId)
    {
        var (engine, timeline, sink) = Engine(policy, traceId);
        var info = TraceFileReader.Read(source, new MemoryStream(answer, writable: false), Options(policy), sink);
        engine.Finish();
        return engine.Spans == 0
            ? new IncidentTraces(IncidentStatus.NotFound, source, null, $"its answer ({info.Describe()}) holds no span of trace {traceId}")
            : new IncidentTraces(IncidentStatus.Found, $"{source} ({info.Describe()})", engine, $"{engine.Spans} spans") { Timeline = timeline.Timeline(traceId) };
    }

    private static ReadOptions Options(TracesPolicy policy) => new() { AttributeKeys = RuleEngine.KeysNeeded(policy) };

    private static (RuleEngine, TimelineSink, TraceFilter) Engine(TracesPolicy policy, TraceId traceId)
    {
        var engine = new RuleEngine(policy);
        var timeline = new TimelineSink([traceId]);
        return (engine, timeline, new TraceFilter(traceId, engine, timeline));
    }

    /// <summary>Passes on only the primary trace's spans: an incident file may hold the neighbouring requests too.</summary>
    private sealed class TraceFilter(TraceId traceId, RuleEngine engine, TimelineSink timeline) : ISpanSink
    {
        public long Other { get; private set; }

        public void OnSpan(SpanData span)
        {
            if (span.TraceId != traceId)
            {
                Other++;
                return;
            }

            engine.OnSpan(span);
            timeline.OnSpan(span);
        }
    }
}
