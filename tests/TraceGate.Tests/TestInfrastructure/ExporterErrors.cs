namespace TraceGate.Tests.TestInfrastructure;

/// <summary>What the OpenTelemetry OTLP exporter says went wrong (its event source), so that a span it dropped is
/// explained in the assertion rather than only counted.</summary>
public sealed class ExporterErrors : System.Diagnostics.Tracing.EventListener
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
    {
        if (eventSource.Name == "OpenTelemetry-Exporter-OpenTelemetryProtocol")
        {
            EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData)
    {
        lock (_messages)
        {
            _messages.Add($"{eventData.EventName}: {string.Join(", ", eventData.Payload ?? [])}");
        }
    }
}
