namespace TraceGate.Core.Pipeline;

/// <summary>One input file as the pipeline sees it: the name shown in messages (relative to the checkout when inside
/// it) and a way to open it. Reading the disk, an artifact or an in-memory buffer belongs to whoever makes it.</summary>
public sealed record NamedInput(string Name, Func<Stream> Open)
{
    /// <summary>An input held in memory, for tests and for hosts that fetched the bytes themselves.</summary>
    public static NamedInput FromBytes(string name, byte[] content) => new(name, () => new MemoryStream(content, writable: false));
}
