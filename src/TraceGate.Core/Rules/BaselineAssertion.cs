using System.Globalization;
using TraceGate.Core.Model;
using TraceGate.Core.PolicyFile;
using TraceGate.Core.Statistics;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Core.Rules;

/// <summary>
/// <c>baseline: { p95: '&lt;= +10%', min-change: 2ms }</c> or <c>'&lt;= +5ms'</c>: how much a statistic may change
/// against the same rule over the baseline's traces, judged with a confidence interval (issue 22, see
/// <see cref="BaselineJudgement"/>) unless <c>method: plain</c>; the options are read into <see cref="BaselineSettings"/>.
/// </summary>
public sealed class BaselineAssertion : AssertionKind
{
    private static readonly string[] Options = ["min-change", "confidence", "method", "on-inconclusive", "min-samples"];

    /// <summary>What a rule's <c>baseline:</c> mapping accepts: a budget per statistic, and the options.</summary>
    internal static readonly string[] BaselineKeys = [.. Quantities.Stats, .. Options];

    public override string Key => "baseline";

    public override int Order => 70;

    public override TraceRule Read(NodeReader reader, YamlNode value, string at, TraceRule rule)
    {
        if (reader.Mapping(value, at) is not { } changes)
        {
            return rule;
        }

        reader.CheckKeys(changes, BaselineKeys, at);
        var budgets = new List<BaselineBudget>();
        var settings = BaselineSettings.Default;
        foreach (var (bk, bv) in changes.Children)
        {
            string stat = ((YamlScalarNode)bk).Value ?? "";
            if (Options.Contains(stat))
            {
                settings = Option(reader, stat, bv, at, settings);
            }
            else if (Quantities.Stats.Contains(stat) && reader.Scalar(bv, at + "." + stat) is { } limit)
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

        return rule with { Baseline = budgets, BaselineSettings = settings };
    }

    private static BaselineSettings Option(NodeReader reader, string key, YamlNode value, string at, BaselineSettings settings)
    {
        string where = at + "." + key;
        switch (key)
        {
            case "min-change":
                if (reader.Scalar(value, where) is { } text)
                {
                    if (Quantities.Nanos(text) is { } ns)
                    {
                        return settings with { MinChangeNanos = ns, MinChangeText = text.Trim() };
                    }

                    reader.Error(value, $"{where} is '{text}': expected a duration such as 2ms (units: ns, us, ms, s), the smallest change that can fail");
                }

                break;
            case "confidence":
                if (reader.Scalar(value, where) is { } c)
                {
                    if (double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double level) && level >= 0.5 && level < 1)
                    {
                        return settings with { Confidence = level };
                    }

                    reader.Error(value, $"{where} is '{c}': expected a confidence level from 0.5 up to (not including) 1, such as 0.95");
                }

                break;
            case "method":
                switch (reader.Scalar(value, where))
                {
                    case "auto": return settings with { Method = BaselineMethod.Auto };
                    case "hodges-lehmann": return settings with { Method = BaselineMethod.HodgesLehmann };
                    case "bootstrap": return settings with { Method = BaselineMethod.Bootstrap };
                    case "plain": return settings with { Method = BaselineMethod.Plain };
                    case { } other: reader.Error(value, $"{where} is '{other}': expected auto, hodges-lehmann, bootstrap or plain"); break;
                }

                break;
            case "on-inconclusive":
                switch (reader.Scalar(value, where))
                {
                    case "warn": return settings with { OnInconclusive = InconclusiveMode.Warn };
                    case "fail": return settings with { OnInconclusive = InconclusiveMode.Fail };
                    case { } other: reader.Error(value, $"{where} is '{other}': expected warn (the check is inconclusive, neutral) or fail"); break;
                }

                break;
            default:
                if (reader.PositiveInt(value, where) is { } n)
                {
                    return settings with { MinSamples = n };
                }

                break;
        }

        return settings;
    }

    public override bool NeedsDurations(TraceRule rule) => rule.Baseline.Count > 0;

    public override void Judge(RuleJudgement judgement)
    {
        var rule = judgement.Rule;
        if (rule.Baseline.Count == 0)
        {
            return;
        }

        var settings = rule.BaselineSettings;
        // Without data on both sides the change is not measured: inconclusive, never a pass (plain keeps its warning).
        var cannotJudge = judgement.Plain ? judgement.Warnings : judgement.Inconclusive;
        if (judgement.BeforeStats is not { } beforeStats)
        {
            cannotJudge.Add("no baseline was given (traces.baseline or --baseline), so the change against it was not measured");
            return;
        }

        var before = judgement.Before!;
        if (before.Durations.Count == 0)
        {
            cannotJudge.Add("the baseline run has no span for this selector, so the change was not measured");
            return;
        }

        if (!judgement.Plain && before.Durations.Count < judgement.MinSamples)
        {
            judgement.Inconclusive.Add($"only {before.Durations.Count} span(s) in the baseline: at least {judgement.MinSamples} (min-samples) are needed on each side to judge the change; measured values are shown but not enforced");
        }

        bool enforce = !judgement.FewSamples && (judgement.Plain || before.Durations.Count >= judgement.MinSamples);
        var rows = judgement.Rows;
        foreach (var budget in rule.Baseline)
        {
            if (!judgement.Stats.TryGetValue(budget.Stat, out double now) || !beforeStats.TryGetValue(budget.Stat, out double then))
            {
                continue;
            }

            bool ok;
            string rowBudget;
            if (budget.Op is CompareOp.Eq or CompareOp.Ne)
            {
                // An equality on a change has no interval to put against it: compared as numbers.
                double change = now - then;
                double measured = budget.Percent is not null ? (then == 0 ? 0 : change / then * 100) : change;
                ok = new NumberComparison(budget.Op, budget.Percent ?? budget.Nanos ?? 0, budget.Text).Holds(measured);
                rowBudget = "change " + budget.Text;
                if (!ok && enforce)
                {
                    judgement.TimingFailed = true;
                    judgement.Failures.Add($"{budget.Stat} changed {(change >= 0 ? "+" : "-")}{Quantities.FormatNanos(Math.Abs(change))} against the baseline ({Quantities.FormatNanos(then)} → {Quantities.FormatNanos(now)}), budget {budget.Text}");
                }
            }
            else
            {
                var judged = BaselineJudgement.Judge(rule.Id, budget, settings, judgement.Run.Durations, before.Durations);
                ok = judged.Verdict != ChangeVerdict.Regression;
                rowBudget = judged.RowText;
                if (enforce)
                {
                    switch (judged.Verdict)
                    {
                        case ChangeVerdict.Regression:
                            judgement.TimingFailed = true;
                            judgement.Failures.Add(judged.Text);
                            break;
                        case ChangeVerdict.NotShown:
                            judgement.Warnings.Add(judged.Text);
                            break;
                        default:
                            judgement.Details.Add(judged.Text);
                            break;
                    }

                    if (judged.Picture is { } picture)
                    {
                        judgement.Pictures.Add(picture);
                    }
                }
            }

            var existing = rows.FindIndex(r => r.Stat == budget.Stat);
            var row = new StatRow(budget.Stat, now, then, (existing >= 0 ? rows[existing].Budget + "; " : "") + rowBudget, ok && (existing < 0 || rows[existing].Ok));
            if (existing >= 0)
            {
                rows[existing] = row;
            }
            else
            {
                rows.Add(row);
            }
        }
    }
}

public static partial class AssertionKinds
{
    internal static readonly AssertionKind Baseline = Register(new BaselineAssertion());
}
