using FluentAssertions;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;
using TraceGate.Core.Rules;

namespace TraceGate.Tests.Traces;

public sealed class QuantitiesTests
{
    [Theory]
    [InlineData("500ns", 500)]
    [InlineData("250us", 250_000)]
    [InlineData("25ms", 25_000_000)]
    [InlineData("1.5s", 1_500_000_000)]
    public void Nanos_AcceptsEveryUnit(string text, double ns) => Quantities.Nanos(text).Should().Be(ns);

    [Fact]
    public void ChangeLimit_PercentAndAbsolute()
    {
        var pct = Quantities.ChangeLimit("p95", "<= +10%", out _)!;
        pct.Percent.Should().Be(10);
        pct.Op.Should().Be(CompareOp.Le);
        Quantities.ChangeLimit("p95", "<= +5ms", out _)!.Nanos.Should().Be(5e6);
        Quantities.ChangeLimit("p95", "<= -2ms", out _)!.Nanos.Should().Be(-2e6);
        Quantities.ChangeLimit("p95", "fast", out var error).Should().BeNull();
        error.Should().Contain("'<= +10%'");
    }

    [Theory]
    [InlineData("exists", AttributeCheckKind.Exists)]
    [InlineData("absent", AttributeCheckKind.Absent)]
    [InlineData("> 0", AttributeCheckKind.Compare)]
    [InlineData("== \"EUR\"", AttributeCheckKind.Compare)]
    [InlineData("EUR", AttributeCheckKind.Compare)]
    public void Attribute_Forms(string text, AttributeCheckKind kind) => Quantities.Attribute("k", text, out _)!.Kind.Should().Be(kind);

    [Fact]
    public void Attribute_OrderingNeedsANumber()
    {
        Quantities.Attribute("k", "> abc", out var error).Should().BeNull();
        error.Should().Contain("> needs a number");
    }
}
