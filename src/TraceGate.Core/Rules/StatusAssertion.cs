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

    private sealed class EachSpan(StatusCode expected) : SpanCheck
    {
        public override void Check(SpanData span, ref List<SpanProblem>? problems)
        {
            if (expected == StatusCode.Ok && span.Status == StatusCode.Error)
            {
                (problems ??= []).Add(new SpanProblem("status ERROR", "has status ERROR"));
            }
            else if (expected == StatusCode.Error && span.Status != StatusCode.Error)
            {
                (problems ??= []).Add(new SpanProblem("status not ERROR", $"has status {span.Status.ToString().ToUpperInvariant()}, expected ERROR"));
            }
        }
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind Status = Register(new StatusAssertion());
}
