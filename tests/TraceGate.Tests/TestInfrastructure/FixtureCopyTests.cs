using FluentAssertions;

namespace TraceGate.Tests.TestInfrastructure;

public sealed class FixtureCopyTests
{
    [Fact]
    public void BuildOutput_HoldsNoCopyOfAnEarlierBuildsOutput()
    {
        // Fixtures are copied next to the test assembly. A glob that also matched bin/ copied each build's copies one
        // level deeper on the next build, without end: the output grew until the build ran out of memory.
        var nested = Directory.EnumerateDirectories(AppContext.BaseDirectory, "*", SearchOption.AllDirectories)
            .Where(d => Path.GetFileName(d) is "bin" or "obj")
            .Select(d => Path.GetRelativePath(AppContext.BaseDirectory, d));
        nested.Should().BeEmpty("fixtures are copied from the sources, never from an earlier build's output");
    }
}
