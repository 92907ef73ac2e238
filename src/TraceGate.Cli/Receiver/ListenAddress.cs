using System.Globalization;
using System.Net;

namespace TraceGate.Cli.Receiver;

/// <summary>
/// Where the receiver listens, in the forms people write: <c>127.0.0.1:4318</c>, <c>http://127.0.0.1:4318</c> (what
/// the ready line prints and what OTEL_EXPORTER_OTLP_ENDPOINT holds), <c>localhost:4318</c>, <c>[::1]:4318</c>.
/// <c>localhost</c> means both loopback addresses, 127.0.0.1 and ::1, as exporters may resolve it to either (with port
/// 0, 127.0.0.1 alone: one free port cannot be asked for on two addresses at once).
/// </summary>
public sealed record ListenAddress(IPAddress Address, int Port, bool Localhost)
{
    private const string Expected = "expected HOST:PORT, e.g. 127.0.0.1:4318 (port 0 picks a free port)";

    /// <summary>Only loopback is private to this machine; anything else takes spans from the network.</summary>
    public bool IsLoopback => Localhost || IPAddress.IsLoopback(Address);

    /// <summary>What a bind outside loopback means, or null.</summary>
    public string? Warning => IsLoopback ? null
        : $"--listen {this} accepts spans from every machine that can reach this one, without authentication or TLS: use 127.0.0.1 when the tests run on this machine";

    /// <summary>Where a client on this machine reaches the receiver: a wildcard bind is reached on loopback.</summary>
    public Uri Url(string path)
    {
        string host = Localhost ? "localhost"
            : Address.Equals(IPAddress.Any) ? "127.0.0.1"
            : Address.Equals(IPAddress.IPv6Any) ? "[::1]"
            : Host(Address);
        return new Uri($"http://{host}:{Port.ToString(CultureInfo.InvariantCulture)}{path}");
    }

    public override string ToString() => $"{(Localhost ? "localhost" : Host(Address))}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static ListenAddress Parse(string text, string option)
    {
        UserInputException Fail(string why) => new($"{option} '{text}': {why}");

        string rest = text.Trim();
        int scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            if (!rest[..scheme].Equals("http", StringComparison.OrdinalIgnoreCase))
            {
                throw Fail("the receiver speaks plain HTTP (no TLS): write http://HOST:PORT or HOST:PORT");
            }

            rest = rest[(scheme + 3)..];
            if (rest.EndsWith('/'))
            {
                rest = rest[..^1];
            }

            if (rest.Contains('/', StringComparison.Ordinal))
            {
                throw Fail("give the address without a path: the receiver serves /v1/traces itself");
            }
        }

        if (rest.Length == 0)
        {
            throw Fail(Expected);
        }

        string host, portText;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < rest.Length && rest[close + 1] != ':'))
            {
                throw Fail(Expected);
            }

            host = rest[1..close];
            portText = close + 1 < rest.Length ? rest[(close + 2)..] : "";
        }
        else if (rest.Count(c => c == ':') > 1)
        {
            // ::1:4318 is itself a valid IPv6 address: the port cannot be told apart without brackets.
            throw Fail("an IPv6 address takes brackets before its port, e.g. [::1]:4318");
        }
        else
        {
            int colon = rest.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? rest : rest[..colon];
            portText = colon < 0 ? "" : rest[(colon + 1)..];
        }

        if (portText.Length == 0)
        {
            throw Fail("no port: " + Expected);
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw Fail($"port {(portText.All(char.IsAsciiDigit) ? portText : $"'{portText}'")}: expected 0 to 65535");
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new ListenAddress(IPAddress.Loopback, port, Localhost: true);
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            throw Fail($"'{host}' is not an IP address or localhost: the receiver binds an address of this machine, e.g. 127.0.0.1:4318");
        }

        return new ListenAddress(address, port, Localhost: false);
    }

    private static string Host(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
