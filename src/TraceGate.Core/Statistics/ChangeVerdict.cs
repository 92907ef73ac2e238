namespace TraceGate.Core.Statistics;

/// <summary>What a measured change means for a budget.</summary>
public enum ChangeVerdict
{
    /// <summary>The change is within the budget.</summary>
    Within,

    /// <summary>Over the budget, but by no more than the absolute floor (<c>min-change</c>): nobody would notice.</summary>
    BelowFloor,

    /// <summary>The point estimate is over the budget and the floor, but the interval reaches below: not shown.</summary>
    NotShown,

    /// <summary>The whole interval is over the budget and the floor: a regression.</summary>
    Regression,
}

/// <summary>
/// The decision rule: a budget fails only when the regression is significant and large, that is, when the
/// interval's bound nearest to the budget is past it and its absolute change is past the floor. An upper budget
/// (<c>&lt;= +10%</c>) looks at the interval's lower bound; a lower one (<c>&gt;= -10%</c>) at its upper bound.
/// </summary>
public static class ChangeJudge
{
    /// <param name="change">the measurement</param>
    /// <param name="percent">the budget is relative (a percentage) rather than absolute (nanoseconds)</param>
    /// <param name="limit">the budget's limit: percent (10 for +10%) or nanoseconds</param>
    /// <param name="upper">the budget bounds the change from above (<c>&lt;=</c>, <c>&lt;</c>)</param>
    /// <param name="floor">the smallest absolute change, in nanoseconds, that can fail or warn</param>
    public static ChangeVerdict Judge(MeasuredChange change, bool percent, double limit, bool upper, double floor)
    {
        double scale = percent ? 100 : 1;
        double estimate = (percent ? change.Relative : change.Absolute) * scale;
        double nearest = (percent ? (upper ? change.RelativeLower : change.RelativeUpper) : (upper ? change.AbsoluteLower : change.AbsoluteUpper)) * scale;
        double nearestAbsolute = upper ? change.AbsoluteLower : change.AbsoluteUpper;
        bool over = upper ? estimate > limit : estimate < limit;
        if (!over)
        {
            return ChangeVerdict.Within;
        }

        if (Math.Abs(change.Absolute) <= floor)
        {
            return ChangeVerdict.BelowFloor;
        }

        bool shown = upper ? nearest > limit : nearest < limit;
        bool large = upper ? nearestAbsolute > floor : nearestAbsolute < -floor;
        return shown && large ? ChangeVerdict.Regression : ChangeVerdict.NotShown;
    }
}
