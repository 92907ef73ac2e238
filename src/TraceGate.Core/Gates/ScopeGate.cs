using TraceGate.Core.Model;
using TraceGate.Core.Policy;

namespace TraceGate.Core.Gates;

/// <summary>
/// <c>evidence.scope</c>: whether this pull request needs evidence. skip-authors, then skip-labels, then
/// <c>evidence.when</c>. Out of scope is a skip with the reason; in scope a pass naming what put it there; a
/// condition that cannot be decided (and nothing else holds) is a failure that says what is missing, because an
/// unknown must never wave a pull request through. No check at all when the policy has no scope keys.
/// </summary>
public static class ScopeGate
{
    public const string CheckId = "evidence.scope";

    /// <returns>The check (null without scope keys) and whether the other evidence checks run.</returns>
    public static (Check? Check, bool InScope) Evaluate(ScopePolicy scope, PullRequestFacts facts, IReadOnlyList<Trailer>? trailers, Func<int, string> commitName)
    {
        if (scope.IsEverything)
        {
            return (null, true);
        }

        var notes = new List<string>();
        if (facts.ChangedFiles is { Truncated: true } cut)
        {
            notes.Add($"The changed-file list was cut at {cut.Files.Count:N0}{(cut.Total is { } t ? $" of {t:N0}" : "")} files (GitHub lists at most 3,000 files of a pull request).");
        }

        if (scope.SkipAuthors.Count > 0)
        {
            if (facts.Author is not { } names)
            {
                notes.Add($"evidence.skip-authors was not checked: {ConditionEvaluator.MissingReason(facts, FactNames.Author)}.");
            }
            else if (names.FirstOrDefault(n => scope.SkipAuthors.Contains(n, StringComparer.OrdinalIgnoreCase)) is { } author)
            {
                return (new Check(CheckId, Outcome.Skip, $"Evidence not required: the author {author} is in evidence.skip-authors") { Details = notes }, false);
            }
        }

        if (scope.SkipLabels.Count > 0)
        {
            if (facts.Labels is not { } labels)
            {
                notes.Add($"evidence.skip-labels was not checked: {ConditionEvaluator.MissingReason(facts, FactNames.Labels)}.");
            }
            else if (labels.FirstOrDefault(l => scope.SkipLabels.Contains(l, StringComparer.OrdinalIgnoreCase)) is { } label)
            {
                return (new Check(CheckId, Outcome.Skip, $"Evidence not required: the label {label} is in evidence.skip-labels") { Details = notes }, false);
            }
        }

        if (scope.When is not { } when)
        {
            return (new Check(CheckId, Outcome.Pass, "Evidence required: every pull request not skipped needs it (no evidence.when)") { Details = notes }, true);
        }

        var outcome = ConditionEvaluator.Evaluate(when, facts, trailers, commitName);
        if (outcome.Holds)
        {
            return (new Check(CheckId, Outcome.Pass, "Evidence required: " + string.Join("; ", outcome.Held)) { Details = notes }, true);
        }

        if (outcome.Undecided)
        {
            return (new Check(CheckId, Outcome.Fail, "Cannot tell whether this pull request needs evidence: " + string.Join("; ", outcome.Unknown)
                + (outcome.NotHeld.Count > 0 ? ". What is known does not put it in scope: " + string.Join("; ", outcome.NotHeld) : ""))
            {
                Details = notes,
                Hint = "An unknown never takes a pull request out of scope. Give the missing facts (the GitHub action and the Azure "
                    + "Pipelines task read them from the API), or add one of evidence.skip-labels to skip the gate on purpose. "
                    + "The evidence checks below ran as for a pull request in scope.",
            }, true);
        }

        // Out of scope: only the cut file list matters here (it cannot be, or the outcome would be undecided).
        return (new Check(CheckId, Outcome.Skip, "Evidence not required: " + string.Join("; ", outcome.NotHeld))
        {
            Details = notes.Where(n => !n.StartsWith("evidence.skip-", StringComparison.Ordinal)).ToList(),
        }, false);
    }
}
