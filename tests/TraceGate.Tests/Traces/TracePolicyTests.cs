using FluentAssertions;
using TraceGate.Core.Policy;
using TraceGate.Core.PolicyFile;

namespace TraceGate.Tests.Traces;

public sealed class TracePolicyTests
{
    private static PolicyError Error(string yaml) => PolicyLoader.Load(".tracegate.yml", yaml).Errors.Should().ContainSingle().Subject;

    [Theory]
    [InlineData("traces:\n  rules:\n    - select: 'span[name=\"a\"'\n", 3, "traces.rules[0].select: selector 'span[name=\"a\"': expected ']' to close 'span[' at column 14")]
    [InlineData("traces:\n  rules:\n    - select: span\n      requred: 1\n", 4, "unknown key 'requred' in traces.rules[0]: expected one of id, select, count, attributes, events-in-order, forbid-events, status, links, duration, baseline, min-samples, proves")]
    [InlineData("traces:\n  rules:\n    - select: span\n      duration: { 95: '<= 1ms' }\n", 4, "unknown key '95' in traces.rules[0].duration: did you mean 'p95'?")]
    [InlineData("traces:\n  rules:\n    - select: span\n      duration: { p95: '<= 25 parsecs' }\n", 4, "traces.rules[0].duration.p95: '<= 25 parsecs': expected a comparison with a duration such as '<= 25ms' (units: ns, us, ms, s)")]
    [InlineData("traces:\n  rules:\n    - select: span\n      baseline: { p95: '+10%' }\n", 4, "traces.rules[0].baseline.p95: '+10%': expected a change against the baseline such as '<= +10%' or '<= +5ms'")]
    [InlineData("traces:\n  rules:\n    - id: x\n", 3, "traces.rules[0] has no 'select': expected a selector such as span[name=\"apply\"]")]
    [InlineData("traces:\n  rules:\n    - select: span\n      status: fine\n", 4, "traces.rules[0].status is 'fine': expected ok (no span with status ERROR) or error (every span ERROR)")]
    [InlineData("traces:\n  redaction:\n    forbid: [ssn]\n", 3, "unknown detector 'ssn' in traces.redaction.forbid: expected email, credit-card, bearer-token, jwt")]
    [InlineData("traces:\n  files: ['../x/*']\n", 2, "traces.files '../x/*': '..' would leave the workspace: globs must stay inside it")]
    [InlineData("traces:\n  rules:\n    - select: span\n      count: lots\n", 4, "traces.rules[0].count: 'lots': expected a comparison such as '>= 1' or '== 0'")]
    public void Load_TraceRuleErrors_NameTheLine(string yaml, int line, string message)
    {
        var error = Error(yaml);
        error.Line.Should().Be(line);
        error.Message.Should().Be(message);
    }

    [Fact]
    public void Load_DuplicateRuleIds_AreAnError()
    {
        Error("traces:\n  rules:\n    - { id: a, select: span }\n    - { id: a, select: span }\n").Message.Should().Contain("the id 'a' is used by another rule");
    }

    [Fact]
    public void Load_RuleWithoutId_GetsItsIndex()
    {
        var policy = PolicyLoader.Load("p", "traces:\n  rules:\n    - select: span\n").Policy!;
        policy.Traces.Rules.Single().Id.Should().Be("rules[0]");
        policy.Traces.Rules.Single().Line.Should().Be(3);
    }
}
