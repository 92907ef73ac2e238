using FluentAssertions;
using TraceGate.Cli;

namespace TraceGate.Tests.Cli;

public sealed class InternalErrorTests
{
    [Fact]
    public void InternalErrorLine_IsOneInertLineWithoutAnyToken()
    {
        Exception e;
        try
        {
            throw new InvalidOperationException("boom with ghs_SECRETSECRET\n::set-output name=x::y");
        }
        catch (InvalidOperationException thrown)
        {
            e = thrown;
        }

        var line = CliApp.InternalErrorLine(e, new Dictionary<string, string?> { ["INPUT_TOKEN"] = "ghs_SECRETSECRET", ["HOME"] = "/root" });
        line.Should().StartWith("tracegate: internal error: InvalidOperationException: boom with *** ::set-output")
            .And.EndWith("; please report it with this output")
            .And.NotContain("\n").And.NotContain("ghs_SECRETSECRET");
        line.Should().Contain(nameof(InternalErrorLine_IsOneInertLineWithoutAnyToken), "it says where it was thrown");
    }
}
