using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>
/// A Jaeger or Tempo stand-in on 127.0.0.1 (a free port) that answers with recorded real answers
/// (Incidents/Fixtures/SOURCES.md): each path has a status and a file. With <see cref="Token"/> set, a request
/// without <c>Authorization: Bearer TOKEN</c> gets 401, as a backend behind an authenticating proxy answers.
/// </summary>
public sealed class TraceBackendServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string? File, string ContentType)> _routes = new(StringComparer.Ordinal);

    public TraceBackendServer(string? token = null)
    {
        Token = token;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(Handle);
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = address.TrimEnd('/');
    }

    public string? Token { get; }

    public string Url { get; }

    /// <summary>Every request: its path and its Authorization header.</summary>
    public ConcurrentQueue<(string Path, string? Authorization)> Requests { get; } = new();

    public static string Recorded(string relative) => Path.Combine(AppContext.BaseDirectory, relative.Replace('/', Path.DirectorySeparatorChar));

    public TraceBackendServer Serve(string path, int status, string? file, string contentType = "application/json")
    {
        _routes[path] = (status, file, contentType);
        return this;
    }

    private async Task Handle(HttpContext http)
    {
        string? auth = http.Request.Headers.Authorization.FirstOrDefault();
        Requests.Enqueue((http.Request.Path.Value ?? "", auth));
        if (Token is not null && auth != "Bearer " + Token)
        {
            http.Response.StatusCode = 401;
            await http.Response.WriteAsync("Unauthorized");
            return;
        }

        if (!_routes.TryGetValue(http.Request.Path.Value ?? "", out var route))
        {
            // What Jaeger's query service answers for a path it has no route for: 404, text.
            http.Response.StatusCode = 404;
            await http.Response.WriteAsync("404 page not found\n");
            return;
        }

        http.Response.StatusCode = route.Status;
        http.Response.ContentType = route.ContentType;
        if (route.File is not null)
        {
            await http.Response.SendFileAsync(Recorded(route.File));
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
