using FluentAssertions;
using TraceGate.Cli.Proof;
using TraceGate.Core.Evidence;

namespace TraceGate.Tests.Proof;

public sealed class PlaceholderExpansionTests
{
    [Fact]
    public void Expand_EveryPlaceholder_IsReplacedInsideEachArgument()
    {
        var repro = TestRef.Parse("tests/test_transfer.py::TestFees::test_guard", out _)!;
        var args = ProveCommand.Expand(["pytest", "{repro}", "-k", "{repro.name}", "--junitxml={results}", "{repro.file}", "{unknown}", "{{repro}}"], repro, "/p/baseline/results.xml");
        args.Should().Equal("pytest", "tests/test_transfer.py::TestFees::test_guard", "-k", "test_guard", "--junitxml=/p/baseline/results.xml",
            "tests/test_transfer.py", "{unknown}", "{tests/test_transfer.py::TestFees::test_guard}");
    }
}
