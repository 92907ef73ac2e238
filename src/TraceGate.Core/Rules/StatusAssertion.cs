using TraceGate.Core.PolicyFile;
using TraceGate.Core.Traces;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary><c>status: ok</c> (no selected span has status ERROR) or <c>status: error</c> (every selected span has).</summary>
public sealed class StatusAssertion : AssertionKind
{
    public override string Key => "status";

    public override int Order => 50;

    public override TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule)
    {
        switch (reader.Scalar(value, at))
        {
            case "ok": return rule with { Status = StatusCode.Ok };
            case "error": return rule with { Status = StatusCode.Error };
            case { } other: reader.Error(value, $"{at} is '{other}': expected ok (no span with status ERROR) or error (every span ERROR)"); break;
        }

        return rule;
    }

    public override SpanCheck? SpanCheck(TraceRule rule) => rule.Status is { } status ? new EachSpan(status) : null;

    /// <summary>Fails one way: status ERROR where ok is expected (the same text for every span), or another status
    /// where error is expected (the text names it).</summary>
    private sealed class EachSpan(StatusCode expected) : SpanCheck(
        [expected == StatusCode.Ok ? new SpanFailure("status ERROR") : new SpanFailure("status not ERROR", Varies: true)])
    {
        public override void Check(SpanData span, ref SpanFailures failures)
        {
            if (expected == StatusCode.Ok && span.Status == StatusCode.Error)
            {
                if (failures.Fail(0))
                {
                    failures.Write("has status ERROR");
                }
            }
            else if (expected == StatusCode.Error && span.Status != StatusCode.Error && failures.Fail(0))
            {
                failures.Write($"has status {span.Status.ToString().ToUpperInvariant()}, expected ERROR");
            }
        }
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind Status = Register(new StatusAssertion());
}
