using TraceGate.Core.Model;
using TraceGate.Core.PolicyFile;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary><c>duration: { p95: '&lt;= 25ms' }</c>: budgets for statistics of the selected spans' durations, enforced
/// from <c>min-samples</c> spans on.</summary>
public sealed class DurationAssertion : AssertionKind
{
    public override string Key => "duration";

    public override int Order => 60;

    public override TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule)
    {
        if (reader.Mapping(value, at) is not { } durations)
        {
            return rule;
        }

        reader.CheckKeys(durations, [.. Quantities.Stats], at);
        var budgets = new List<DurationBudget>();
        foreach (var (dk, dv) in durations.Children)
        {
            string stat = ((YamlScalarNode)dk).Value ?? "";
            if (Quantities.Stats.Contains(stat) && reader.Scalar(dv, at + "." + stat) is { } limit)
            {
                if (Quantities.DurationLimit(limit, out var error) is { } c)
                {
                    budgets.Add(new DurationBudget(stat, c));
                }
                else
                {
                    reader.Error(dv, $"{at}.{stat}: {error}");
                }
            }
        }

        return rule with { Duration = budgets };
    }

    public override bool NeedsDurations(TraceRule rule) => rule.Duration.Count > 0;

    public override void Judge(RuleJudgement judgement)
    {
        foreach (var budget in judgement.Rule.Duration)
        {
            if (!judgement.Stats.TryGetValue(budget.Stat, out double measured))
            {
                continue;
            }

            bool ok = budget.Limit.Holds(measured);
            judgement.Rows.Add(new StatRow(budget.Stat, measured, judgement.BeforeStats?.GetValueOrDefault(budget.Stat), budget.Limit.Text, ok));
            if (!ok && !judgement.FewSamples)
            {
                judgement.TimingFailed = true;
                judgement.Failures.Add($"{budget.Stat} is {Quantities.FormatNanos(measured)}, budget {budget.Limit.Text}");
            }
        }
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind Duration = Register(new DurationAssertion());
}
