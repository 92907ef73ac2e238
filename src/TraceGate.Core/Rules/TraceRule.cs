using System.Collections.Immutable;
using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>One entry of <c>traces.rules</c>: where it is, what it selects, and what each assertion kind asks of it.</summary>
public sealed record TraceRule(string Id, int Line, Selector Selector)
{
    public NumberComparison Count { get; init; } = new(CompareOp.Ge, 1, ">= 1");
    public IReadOnlyList<AttributeCheck> Attributes { get; init; } = [];
    public IReadOnlyList<string> EventsInOrder { get; init; } = [];
    public IReadOnlyList<string> ForbidEvents { get; init; } = [];
    public StatusCode? Status { get; init; }
    public IReadOnlyList<DurationBudget> Duration { get; init; } = [];
    public IReadOnlyList<BaselineBudget> Baseline { get; init; } = [];

    /// <summary>The baseline mapping's options: min-change, confidence, method, on-inconclusive, min-samples.</summary>
    public BaselineSettings BaselineSettings { get; init; } = BaselineSettings.Default;
    public int? MinSamples { get; init; }

    /// <summary><c>proves: true</c>: the rule must fail before the fix and on the incident's trace, and pass after it
    /// (<c>proof.&lt;id&gt;</c>, <c>proof.incident</c>).</summary>
    public bool Proves { get; init; }

    /// <summary>The values of assertion kinds that keep them here, by their key, rather than in a property of their
    /// own: a kind added as one file reads and writes its entry.</summary>
    public ImmutableDictionary<string, object> Values { get; init; } = ImmutableDictionary<string, object>.Empty;
}
