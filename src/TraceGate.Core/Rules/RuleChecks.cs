using TraceGate.Core.Traces;

namespace TraceGate.Core.Rules;

/// <summary>
/// A rule's span checks (one per assertion kind that asks something of each selected span), with one numbering of
/// every way they can fail: check by check in <see cref="AssertionKinds"/> order, each check's failures in its own
/// order, so ascending failure numbers are the order of a span's problems. Immutable: reader threads judge with it.
/// </summary>
public sealed class RuleChecks
{
    private readonly SpanCheck[] _checks;

    /// <summary>Per check, the number of its first failure.</summary>
    private readonly int[] _first;

    public RuleChecks(TraceRule rule)
    {
        _checks = [.. AssertionKinds.All.Select(k => k.SpanCheck(rule)).OfType<SpanCheck>()];
        _first = new int[_checks.Length];
        var failures = new List<SpanFailure>();
        for (int c = 0; c < _checks.Length; c++)
        {
            _first[c] = failures.Count;
            failures.AddRange(_checks[c].Failures);
        }

        // Two failures may share a kind (forbid-events: [retry, retry]): they count under one name, once per problem.
        Kinds = failures.Select(f => f.Kind).Distinct(StringComparer.Ordinal).ToArray();
        KindOf = failures.Select(f => Array.IndexOf(Kinds, f.Kind)).ToArray();
        Varies = failures.Select(f => f.Varies).ToArray();
    }

    /// <summary>How many ways the rule's checks can fail: failure numbers are 0 to this - 1.</summary>
    public int Failures => KindOf.Length;

    /// <summary>The distinct kinds of problem, in the order of the failures.</summary>
    public string[] Kinds { get; }

    /// <summary>Per failure, the index of its kind in <see cref="Kinds"/>.</summary>
    public int[] KindOf { get; }

    /// <summary>Per failure, whether its text depends on the span (see <see cref="SpanFailure.Varies"/>).</summary>
    public bool[] Varies { get; }

    /// <summary>
    /// Judges one span: sets bit <paramref name="offset"/> + f of <paramref name="bits"/> for each failure f, and with
    /// <paramref name="texts"/> adds each problem's text in order. Returns whether anything failed.
    /// </summary>
    public bool Evaluate(SpanData span, Span<ulong> bits, int offset, List<string>? texts)
    {
        bool failed = false;
        for (int c = 0; c < _checks.Length; c++)
        {
            var failures = new SpanFailures(bits, offset + _first[c], texts);
            _checks[c].Check(span, ref failures);
            failed |= failures.Failed;
        }

        return failed;
    }
}
