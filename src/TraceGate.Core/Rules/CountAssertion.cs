using TraceGate.Core.PolicyFile;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary><c>count: '&gt;= 1'</c>: how many spans the selector must select (by default at least one).</summary>
public sealed class CountAssertion : AssertionKind
{
    public override string Key => "count";

    public override int Order => 10;

    public override bool JudgedFirst => true;

    public override TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule)
    {
        if (reader.Scalar(value, at) is { } count)
        {
            if (Quantities.Count(count, out var error) is { } c)
            {
                return rule with { Count = c };
            }

            reader.Error(value, $"{at}: {error}");
        }

        return rule;
    }

    public override void Judge(RuleJudgement judgement)
    {
        var rule = judgement.Rule;
        long selected = judgement.Run.Selected;
        if (!rule.Count.Holds(selected))
        {
            judgement.Failures.Add(selected == 0
                ? $"selected no span ({rule.Selector}); count must be {rule.Count.Text}"
                : $"selected {selected} spans; count must be {rule.Count.Text}");
        }
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind Count = Register(new CountAssertion());
}
