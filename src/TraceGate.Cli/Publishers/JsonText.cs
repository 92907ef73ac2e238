using System.Text;
using System.Text.Json;

namespace TraceGate.Cli.Publishers;

/// <summary>Writes a small JSON object without reflection (request bodies, the fork artifact's event file).</summary>
public static class JsonText
{
    public static string Object(Action<Utf8JsonWriter> body, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
