using System.Globalization;
using TraceGate.Core.Model;
using TraceGate.Core.Statistics;

namespace TraceGate.Core.Rules;

/// <summary>What one baseline budget concluded, in the words a reviewer needs; <see cref="Picture"/>, both sides'
/// quantiles, for a budget that failed or warned.</summary>
public sealed record BudgetJudgement(ChangeVerdict Verdict, string Text, string RowText, double Head, double Baseline, QuantileComparison? Picture);

/// <summary>
/// Judges one baseline budget of a rule statistically (issue 22): measures the statistic's change with the rule's
/// method, then applies <see cref="ChangeJudge"/>: a failure needs the interval past the budget and the floor, a
/// point estimate past them with an interval that reaches below is a warning.
/// </summary>
public static class BaselineJudgement
{
    public static BudgetJudgement Judge(string ruleId, BaselineBudget budget, BaselineSettings settings, IReadOnlyList<long> head, IReadOnlyList<long> baseline)
    {
        var method = settings.Method switch
        {
            BaselineMethod.HodgesLehmann => ChangeMethod.HodgesLehmann,
            BaselineMethod.Bootstrap => ChangeMethod.Bootstrap,
            BaselineMethod.Plain => ChangeMethod.Plain,
            _ => ChangeMeasurement.Auto(budget.Stat),
        };
        var change = ChangeMeasurement.Measure(budget.Stat, head, baseline, method, settings.Confidence, SplitMix64.SeedOf(ruleId + "/" + budget.Stat));
        bool percent = budget.Percent is not null;
        double limit = budget.Percent ?? budget.Nanos ?? 0;
        bool upper = budget.Op is CompareOp.Le or CompareOp.Lt;
        double floor = settings.Floor;
        var verdict = ChangeJudge.Judge(change, percent, limit, upper, floor);

        string Value(double relative, double absolute) => percent ? Sparkline.Percent(relative) : Signed(absolute);
        string estimate = Value(change.Relative, change.Absolute);
        string level = (settings.Confidence * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        string interval = change.Method == ChangeMethod.Plain
            ? ""
            : $" ({level} CI {Value(change.RelativeLower, change.AbsoluteLower)} to {Value(change.RelativeUpper, change.AbsoluteUpper)})";
        string how = change.Method switch
        {
            ChangeMethod.HodgesLehmann => "Hodges-Lehmann shift" + (change.Exact ? ", exact interval" : ""),
            ChangeMethod.Bootstrap => $"bootstrap of {PercentileBootstrap.DefaultResamples} resamples",
            _ => budget.Stat is "min" or "max" && settings.Method != BaselineMethod.Plain ? "plain comparison: extremes are not bootstrapped" : "plain comparison",
        };
        string floorText = floor > 0 ? $", floor {settings.MinChangeText ?? Quantities.FormatNanos(floor)}" : "";
        string measured = $"{budget.Stat} changed {estimate} against the baseline{interval} ({Quantities.FormatNanos(change.Baseline)} → {Quantities.FormatNanos(change.Head)}; "
            + $"n = {change.BaselineCount} baseline, {change.HeadCount} this run; {how}), budget {budget.Text}{floorText}";
        string text = verdict switch
        {
            ChangeVerdict.Regression when change.Method == ChangeMethod.Plain => $"{measured}: over the budget",
            ChangeVerdict.Regression => $"{measured}: the whole interval is over the budget{(floor > 0 ? " and the floor" : "")}",
            ChangeVerdict.NotShown => $"{measured}: not shown to exceed (the interval reaches below the budget{(floor > 0 ? " or the floor" : "")}; more spans narrow it)",
            ChangeVerdict.BelowFloor => $"{measured}: over the budget by no more than the floor ({Signed(change.Absolute)}), not a regression anyone would notice",
            _ => $"{measured}: within the budget",
        };
        string row = $"change {budget.Text}: {estimate}{interval}";
        var picture = verdict is ChangeVerdict.Regression or ChangeVerdict.NotShown ? Picture(budget.Stat, baseline, head) : null;
        return new BudgetJudgement(verdict, text, row, change.Head, change.Baseline, picture);
    }

    private static QuantileComparison Picture(string stat, IReadOnlyList<long> baseline, IReadOnlyList<long> head)
    {
        double[] b = Sparkline.QuantileValues(baseline), h = Sparkline.QuantileValues(head);
        return new QuantileComparison(stat, baseline.Count, head.Count, Sparkline.Quantiles.Select((q, i) => new QuantilePoint(q, b[i], h[i])).ToList());
    }

    private static string Signed(double nanos) => (nanos >= 0 ? "+" : "-") + Quantities.FormatNanos(Math.Abs(nanos));
}
