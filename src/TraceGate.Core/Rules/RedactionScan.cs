using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>
/// <c>traces.redaction</c>: runs the <see cref="Redaction"/> detectors the policy forbids over every string value of
/// span and event attributes (per span, on any reader thread) and of resource attributes (once per resource, since a
/// resource is shared by its spans). A problem names the attribute, never the value.
/// </summary>
public sealed class RedactionScan(IReadOnlyList<string> forbid)
{
    private readonly HashSet<ResourceData> _scannedResources = new(ReferenceEqualityComparer.Instance);
    private ResourceData? _last;

    public bool Enabled => forbid.Count > 0;

    /// <summary>Adds what the span's own and its events' attributes give away. Reads only the span.</summary>
    public void ScanSpan(SpanData span, List<string> problems)
    {
        foreach (var kv in span.Attributes)
        {
            if (kv.Value.Type == AttrType.String && Redaction.Detect(kv.Value.Text!, forbid) is { } kind)
            {
                problems.Add($"attribute {kv.Key} looks like a {kind}");
            }
        }

        foreach (var kv in span.EventStrings)
        {
            if (Redaction.Detect(kv.Value, forbid) is { } kind)
            {
                problems.Add($"an event attribute {kv.Key} looks like a {kind}");
            }
        }
    }

    /// <summary>Adds what the resource's attributes give away, the first time the resource is seen; nothing after. One thread.</summary>
    public void ScanResource(ResourceData resource, List<string> problems)
    {
        // A batch's spans share their resource: the set is asked once per run of them.
        if (ReferenceEquals(resource, _last))
        {
            return;
        }

        _last = resource;
        if (!_scannedResources.Add(resource))
        {
            return;
        }

        foreach (var kv in resource.Attributes)
        {
            if (kv.Value.Type == AttrType.String && Redaction.Detect(kv.Value.Text!, forbid) is { } kind)
            {
                problems.Add($"resource attribute {kv.Key} looks like a {kind}");
            }
        }
    }
}
