using System.Globalization;
using TraceGate.Cli.Hosts;
using TraceGate.Cli.Publishers;
using TraceGate.Core.Otlp;
using TraceGate.Core.TraceFormats;
using TraceGate.Core.Traces;

namespace TraceGate.Cli.Incidents;

/// <summary>
/// <c>tracegate incident export --trace-id ID --from jaeger|tempo=URL [--token-env NAME] [--out FILE]</c>: fetches
/// one trace once and writes it as OTLP JSON, to commit under <c>incidents/</c>, so the PR's evidence does not point
/// at a trace that the backend's retention will delete.
/// </summary>
public static class IncidentExport
{
    public sealed record Request(string TraceId, string From, string? TokenEnv, string? Out);

    public static int Run(RunContext ctx, Request request, Func<HttpMessageHandler>? handlerFactory = null, RetryPolicy? retry = null)
    {
        var id = ParseTraceId(request.TraceId, "--trace-id");
        var backend = TraceBackend.Parse(request.From, "--from");
        string? token = TraceBackend.Token(ctx.Environment, request.TokenEnv, "--token-env");
        var client = new TraceBackendClient(backend, token, handlerFactory?.Invoke() ?? new SocketsHttpHandler(), retry,
            m => ctx.Error.WriteLine("tracegate: " + Core.Rendering.Untrusted.Line(m)));
        var answer = client.Fetch(id.ToString());
        if (answer.Status != BackendStatus.Found)
        {
            throw new UserInputException(answer.Status == BackendStatus.NotFound
                ? $"--from {backend}: trace {id} was not found ({answer.Message})"
                : $"--from {backend}: the backend could not be reached ({answer.Message})");
        }

        ExportedTrace exported;
        string display = $"{backend.KindName} answer {answer.Url.AbsolutePath}";
        try
        {
            exported = OtlpExport.Convert(display, answer.Body!, id);
        }
        catch (TraceInputException e)
        {
            throw new UserInputException(e.Message);
        }

        if (exported.Spans == 0)
        {
            throw new UserInputException($"--from {backend}: the answer ({exported.Source.Describe()}, {exported.OtherSpans} spans of other traces) holds no span of trace {id}");
        }

        string where = "standard output";
        if (request.Out is { } outPath)
        {
            string full = ctx.Resolve(outPath);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, exported.Json);
            where = outPath;
        }
        else
        {
            ctx.Out.Write(exported.Json);
        }

        var status = request.Out is null ? ctx.Error : ctx.Out;
        status.WriteLine(Core.Rendering.Untrusted.Line(
            $"tracegate: wrote {exported.Spans.ToString(CultureInfo.InvariantCulture)} spans of trace {id} from {backend} ({exported.Source.Describe()}) as OTLP JSON to {where}"
            + (exported.Verbatim ? "" : "; rebuilt from Jaeger's UI model, which has no event attributes")));
        return ExitCodes.Success;
    }

    /// <summary>A W3C trace id: 32 hex digits, or 16 for a 64-bit id (left-padded, as Jaeger and Zipkin write them).</summary>
    public static TraceId ParseTraceId(string text, string option)
    {
        var t = text.Trim();
        if (t.Length is 16 or 32 && Ids.TryHexTraceId(System.Text.Encoding.ASCII.GetBytes(t), out var id) && !id.IsZero)
        {
            return id;
        }

        throw new UserInputException($"{option} '{text}': expected a trace id of 32 hex digits (or 16 for a 64-bit id), not all zeros");
    }
}
