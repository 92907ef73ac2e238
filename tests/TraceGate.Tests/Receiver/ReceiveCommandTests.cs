using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using TraceGate.Cli;
using TraceGate.Cli.Receiver;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Receiver;

/// <summary><c>tracegate receive</c> as a user types it: the address in the forms people write (including the ready
/// line's own URL), --wait-idle against nothing, and durations that contradict each other.</summary>
public sealed class ReceiveCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A loopback port nothing listens on (taken from the system, then released).</summary>
    internal static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Theory]
    [InlineData("127.0.0.1:4318", "127.0.0.1", 4318, false)]
    [InlineData("http://127.0.0.1:4318", "127.0.0.1", 4318, false)]
    [InlineData("http://127.0.0.1:4318/", "127.0.0.1", 4318, false)]
    [InlineData("HTTP://127.0.0.1:4318", "127.0.0.1", 4318, false)]
    [InlineData("localhost:4318", "127.0.0.1", 4318, true)]
    [InlineData("http://localhost:4318", "127.0.0.1", 4318, true)]
    [InlineData("LocalHost:0", "127.0.0.1", 0, true)]
    [InlineData("[::1]:4318", "::1", 4318, false)]
    [InlineData("http://[::1]:4318", "::1", 4318, false)]
    [InlineData("0.0.0.0:4318", "0.0.0.0", 4318, false)]
    [InlineData(" 127.0.0.1:4318 ", "127.0.0.1", 4318, false)]
    public void ParseListen_AcceptsTheFormsUsersType(string text, string address, int port, bool localhost)
    {
        var parsed = ListenAddress.Parse(text, "--listen");
        parsed.Address.Should().Be(IPAddress.Parse(address));
        parsed.Port.Should().Be(port);
        parsed.Localhost.Should().Be(localhost);
    }

    [Theory]
    [InlineData("https://127.0.0.1:4318", "the receiver speaks plain HTTP (no TLS): write http://HOST:PORT or HOST:PORT")]
    [InlineData("grpc://127.0.0.1:4317", "the receiver speaks plain HTTP (no TLS): write http://HOST:PORT or HOST:PORT")]
    [InlineData("http://127.0.0.1:4318/v1/traces", "give the address without a path: the receiver serves /v1/traces itself")]
    [InlineData("127.0.0.1", "no port: expected HOST:PORT, e.g. 127.0.0.1:4318 (port 0 picks a free port)")]
    [InlineData("http://localhost", "no port: expected HOST:PORT, e.g. 127.0.0.1:4318 (port 0 picks a free port)")]
    [InlineData("127.0.0.1:99999", "port 99999: expected 0 to 65535")]
    [InlineData("::1:4318", "an IPv6 address takes brackets before its port, e.g. [::1]:4318")]
    [InlineData("[::1]", "no port: expected HOST:PORT, e.g. 127.0.0.1:4318 (port 0 picks a free port)")]
    [InlineData("127.0.0.1:", "no port: expected HOST:PORT, e.g. 127.0.0.1:4318 (port 0 picks a free port)")]
    [InlineData("127.0.0.1:http", "port 'http': expected 0 to 65535")]
    [InlineData("collector.internal:4318", "'collector.internal' is not an IP address or localhost: the receiver binds an address of this machine, e.g. 127.0.0.1:4318")]
    [InlineData("", "expected HOST:PORT, e.g. 127.0.0.1:4318 (port 0 picks a free port)")]
    public void ParseListen_RefusesWithWhatWasExpected(string text, string message)
    {
        var act = () => ListenAddress.Parse(text, "--listen");
        act.Should().Throw<UserInputException>().Which.Message.Should().Be($"--listen '{text}': {message}");
    }

    [Theory]
    [InlineData("127.0.0.1:4318", null)]
    [InlineData("localhost:4318", null)]
    [InlineData("[::1]:4318", null)]
    [InlineData("0.0.0.0:4318", "--listen 0.0.0.0:4318 accepts spans from every machine that can reach this one, without authentication or TLS: use 127.0.0.1 when the tests run on this machine")]
    [InlineData("[::]:4318", "--listen [::]:4318 accepts spans from every machine that can reach this one, without authentication or TLS: use 127.0.0.1 when the tests run on this machine")]
    public void ParseListen_ANonLoopbackAddressComesWithAWarningThatSaysWhatItMeans(string text, string? warning)
    {
        ListenAddress.Parse(text, "--listen").Warning.Should().Be(warning);
    }

    [Fact(Timeout = 60_000)]
    public async Task WaitIdle_WhenNothingListens_FailsAtOnceNamingTheAddress()
    {
        int port = FreePort();
        var clock = Stopwatch.StartNew();
        var r = await Task.Run(() => CliHarness.Run(_dir.Path, "receive", "--listen", $"127.0.0.1:{port}", "--wait-idle", "2s", "--timeout", "45s"));
        clock.Stop();

        r.ExitCode.Should().Be(2, r.Out + r.Error);
        r.Error.Should().Contain($"nothing is listening on 127.0.0.1:{port}: start 'tracegate receive --listen 127.0.0.1:{port}' first");
        r.Error.Should().NotContain("did not become idle");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(40), "it fails at once instead of waiting out --timeout 45s");
    }

    [Theory]
    [InlineData("2s", "1s", "--timeout 1s is not longer than --wait-idle 2s: the receiver cannot be seen idle for 2s within 1s; give a --timeout longer than --wait-idle")]
    [InlineData("2s", "2s", "--timeout 2s is not longer than --wait-idle 2s: the receiver cannot be seen idle for 2s within 2s; give a --timeout longer than --wait-idle")]
    [InlineData("90s", "60s", "--timeout 60s is not longer than --wait-idle 90s: the receiver cannot be seen idle for 90s within 60s; give a --timeout longer than --wait-idle")]
    public void WaitIdle_WhenTheTimeoutIsNotLongerThanTheIdleTime_IsRefusedBeforeConnecting(string idle, string timeout, string message)
    {
        var args = new List<string> { "receive", "--listen", $"127.0.0.1:{FreePort()}", "--wait-idle", idle };
        if (timeout != "60s")
        {
            args.AddRange(["--timeout", timeout]);
        }

        var r = CliHarness.Run(_dir.Path, [.. args]);
        r.ExitCode.Should().Be(2);
        r.Error.Should().Be($"tracegate: error: {message}\n");
    }

    [Theory]
    [InlineData("--wait-idle", "soon", "--wait-idle 'soon': expected a duration such as 2s or 500ms")]
    [InlineData("--timeout", "-1s", "--timeout '-1s': expected a duration such as 2s or 500ms")]
    public void WaitIdle_WhenADurationIsNotOne_NamesTheOption(string option, string value, string message)
    {
        var args = option == "--wait-idle"
            ? new[] { "receive", "--wait-idle", value }
            : ["receive", "--wait-idle", "1s", option, value];
        var r = CliHarness.Run(_dir.Path, args);
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain(message);
    }

    [Fact]
    public void Timeout_WithoutWaitIdle_IsRefused()
    {
        var r = CliHarness.Run(_dir.Path, "receive", "--listen", $"127.0.0.1:{FreePort()}", "--timeout", "5s");
        r.ExitCode.Should().Be(2);
        r.Error.Should().Contain("--timeout applies only with --wait-idle");
    }
}
