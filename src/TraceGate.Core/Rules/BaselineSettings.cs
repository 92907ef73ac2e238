namespace TraceGate.Core.Rules;

/// <summary>How a rule's baseline budgets are measured: <c>method</c> in the policy.</summary>
public enum BaselineMethod
{
    /// <summary>Hodges-Lehmann for p50 and avg, the bootstrap for higher percentiles, min and max plainly.</summary>
    Auto,
    HodgesLehmann,
    Bootstrap,

    /// <summary>The two runs' statistics compared as numbers, as before the statistics (no interval, no floor).</summary>
    Plain,
}

/// <summary>What a rule does when it cannot judge its timing budgets: <c>on-inconclusive</c>.</summary>
public enum InconclusiveMode
{
    /// <summary>The check is inconclusive: neutral, it does not fail the run.</summary>
    Warn,

    /// <summary>The check fails.</summary>
    Fail,
}

/// <summary>
/// The options of a rule's <c>baseline:</c> besides its budgets: <c>min-change</c> (the absolute floor; a change
/// smaller than this neither fails nor warns), <c>confidence</c>, <c>method</c>, <c>on-inconclusive</c> and
/// <c>min-samples</c> (spans needed on each side; else the rule's or the traces' min-samples).
/// </summary>
public sealed record BaselineSettings
{
    /// <summary>1 ms: below it no user notices a change, and CI runners' noise is larger than that for most spans.</summary>
    public const double DefaultMinChangeNanos = 1e6;

    public static BaselineSettings Default { get; } = new();

    /// <summary>The floor in nanoseconds; null means the default (1 ms), or none for <c>method: plain</c>.</summary>
    public double? MinChangeNanos { get; init; }

    public string? MinChangeText { get; init; }

    public double Confidence { get; init; } = 0.95;

    public BaselineMethod Method { get; init; } = BaselineMethod.Auto;

    public InconclusiveMode OnInconclusive { get; init; } = InconclusiveMode.Warn;

    public int? MinSamples { get; init; }

    /// <summary>The floor that applies: the one given, else 1 ms, except that plain keeps today's behaviour (none).</summary>
    public double Floor => MinChangeNanos ?? (Method == BaselineMethod.Plain ? 0 : DefaultMinChangeNanos);
}
