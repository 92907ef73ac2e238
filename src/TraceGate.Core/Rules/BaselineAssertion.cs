using System.Globalization;
using System.Runtime.CompilerServices;
using TraceGate.Core.Model;
using TraceGate.Core.PolicyFile;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary><c>baseline: { p95: '&lt;= +10%' }</c> or <c>'&lt;= +5ms'</c>: how much a statistic may change against the
/// same rule over the baseline's traces.</summary>
public sealed class BaselineAssertion : AssertionKind
{
    public override string Key => "baseline";

    public override int Order => 70;

    [ModuleInitializer]
    internal static void Register() => AssertionKinds.Register(new BaselineAssertion());

    public override TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule)
    {
        if (reader.Mapping(value, at) is not { } changes)
        {
            return rule;
        }

        reader.CheckKeys(changes, [.. Quantities.Stats], at);
        var budgets = new List<BaselineBudget>();
        foreach (var (bk, bv) in changes.Children)
        {
            string stat = ((YamlScalarNode)bk).Value ?? "";
            if (Quantities.Stats.Contains(stat) && reader.Scalar(bv, at + "." + stat) is { } limit)
            {
                if (Quantities.ChangeLimit(stat, limit, out var error) is { } b)
                {
                    budgets.Add(b);
                }
                else
                {
                    reader.Error(bv, $"{at}.{stat}: {error}");
                }
            }
        }

        return rule with { Baseline = budgets };
    }

    public override bool NeedsDurations(TraceRule rule) => rule.Baseline.Count > 0;

    public override void Judge(RuleJudgement judgement)
    {
        var rule = judgement.Rule;
        if (rule.Baseline.Count == 0)
        {
            return;
        }

        var rows = judgement.Rows;
        var stats = judgement.Stats;
        if (judgement.BeforeStats is not { } beforeStats)
        {
            judgement.Warnings.Add("no baseline was given (traces.baseline or --baseline), so the change against it was not measured");
            return;
        }

        if (judgement.Before!.Durations.Count == 0)
        {
            judgement.Warnings.Add("the baseline run has no span for this selector, so the change was not measured");
            return;
        }

        foreach (var budget in rule.Baseline)
        {
            if (!stats.TryGetValue(budget.Stat, out double now) || !beforeStats.TryGetValue(budget.Stat, out double then))
            {
                continue;
            }

            double change = now - then;
            double measured = budget.Percent is not null ? (then == 0 ? 0 : change / then * 100) : change;
            double limit = budget.Percent ?? budget.Nanos ?? 0;
            bool ok = new NumberComparison(budget.Op, limit, budget.Text).Holds(measured);
            string changeText = budget.Percent is not null
                ? measured.ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture) + "%"
                : (change >= 0 ? "+" : "-") + Quantities.FormatNanos(Math.Abs(change));
            var existing = rows.FindIndex(r => r.Stat == budget.Stat);
            var row = new StatRow(budget.Stat, now, then, (existing >= 0 ? rows[existing].Budget + "; " : "") + "change " + budget.Text, ok && (existing < 0 || rows[existing].Ok));
            if (existing >= 0)
            {
                rows[existing] = row;
            }
            else
            {
                rows.Add(row);
            }

            if (!ok && !judgement.FewSamples)
            {
                judgement.TimingFailed = true;
                judgement.Failures.Add($"{budget.Stat} changed {changeText} against the baseline ({Quantities.FormatNanos(then)} → {Quantities.FormatNanos(now)}), budget {budget.Text}");
            }
        }
    }
}
