using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TraceGate.Tests.TestInfrastructure;

/// <summary>
/// Prism serving GitHub's published OpenAPI description (npm @octokit/openapi) on loopback. It rejects requests
/// whose path, query or body do not match the description (422), so every request TraceGate sends is checked
/// against GitHub's contract. One server for the whole test run.
/// </summary>
public class PrismServer : IDisposable
{
    private readonly Process _process;

    public PrismServer()
        : this(Path.Combine(Repo.Root, "tests", "mock-servers", "node_modules", "@octokit", "openapi", "generated", "api.github.com.json"))
    {
    }

    protected PrismServer(string spec)
    {
        var dir = Path.Combine(Repo.Root, "tests", "mock-servers");
        var prism = Path.Combine(dir, "node_modules", ".bin", "prism");
        if (!File.Exists(prism))
        {
            throw new InvalidOperationException("prism is not installed: ./build.sh test runs npm ci in tests/mock-servers");
        }

        if (!File.Exists(spec))
        {
            throw new InvalidOperationException($"the API description {spec} is missing (it is vendored under tests/mock-servers/specs)");
        }

        Port = FreePort();
        var psi = new ProcessStartInfo(prism, ["mock", spec, "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi)!;
        var ready = new TaskCompletionSource();
        var log = new System.Text.StringBuilder();
        _process.OutputDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data?.Contains("Prism is listening", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("prism exited at start-up"));
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        bool started;
        try
        {
            started = ready.Task.Wait(TimeSpan.FromSeconds(120));
        }
        catch (AggregateException)
        {
            started = false;
        }

        if (!started)
        {
            Dispose();
            throw new InvalidOperationException("prism did not start:\n" + log);
        }
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

[CollectionDefinition("github-mock")]
public sealed class GitHubMockCollection : ICollectionFixture<PrismServer>;

/// <summary>Prism serving the Azure DevOps Git REST API 7.1 description vendored under tests/mock-servers/specs; it also requires a Bearer
/// token (401 without one).</summary>
public sealed class AzurePrismServer() : PrismServer(Path.Combine(Repo.Root, "tests", "mock-servers", "specs", "azure-devops-git-7.1.json"));

[CollectionDefinition("azure-mock")]
public sealed class AzureMockCollection : ICollectionFixture<AzurePrismServer>;
