using System.Text.RegularExpressions;
using TraceGate.Core.Evidence;
using TraceGate.Core.Model;
using TraceGate.Core.Policy;
using TraceGate.Core.TestResults;

namespace TraceGate.Core.Gates;

public sealed record EvidenceResult(
    IReadOnlyList<Check> Checks,
    IReadOnlyDictionary<string, EvidenceValue> Evidence,
    IReadOnlyList<ChecklistItem> Checklist,
    IReadOnlyList<Trailer> Trailers);

/// <summary>
/// The evidence gate: every field the policy names is present, filled in, well formed, agrees between the PR and
/// the commits, and (for a repro test) ran and passed. Check ids: <c>evidence.&lt;field&gt;</c>,
/// <c>evidence.agreement.&lt;field&gt;</c>, <c>evidence.&lt;field&gt;.run</c>, <c>evidence.checklist</c>,
/// <c>evidence.trailers</c>, and <c>evidence.scope</c> when the policy says which pull requests need evidence
/// (out of scope, it is the only evidence check).
/// </summary>
public static class EvidenceGate
{
    /// <summary>Lines of <c>evidence.trailers</c> listed (the Markdown summary shows 50 details per check); the rest
    /// are counted in one last line.</summary>
    public const int MaxTrailerWarnings = 40;

    public static EvidenceResult Evaluate(EvidencePolicy policy, EvidenceInputs inputs)
    {
        var aliases = AliasMap(policy);
        var checks = new List<Check>();
        var known = new Lazy<IReadOnlyList<Trailer>?>(() => KnownTrailers(inputs.CommitMessages));
        var (scope, inScope) = ScopeGate.Evaluate(policy.Scope, inputs.Facts, policy.Scope.When?.Trailers.Count > 0 ? known.Value : null, i => CommitName(inputs, i));
        if (scope is not null)
        {
            checks.Add(scope);
        }

        if (!inScope)
        {
            return new EvidenceResult(checks, new Dictionary<string, EvidenceValue>(), [], []);
        }

        var candidates = new List<EvidenceCandidate>();
        var checklist = new List<ChecklistItem>();
        var trailers = new List<Trailer>();

        if (policy.Sources.Contains(EvidenceSourceKind.PrBody) && inputs.PrBody is { } body)
        {
            var pr = PrBodyParser.Parse(body, aliases.ContainsKey);
            var template = inputs.PrTemplates.Count == 0 ? TemplateText.None
                : TemplateText.From(inputs.PrTemplates, label => aliases.GetValueOrDefault(label));
            if (pr.Error is { } error)
            {
                checks.Add(new Check("evidence.pr-body", Outcome.Fail, "The PR description cannot be read: " + error)
                {
                    Hint = "Simplify the description's structure; evidence fields are plain 'Label: value' lines.",
                });
            }
            checklist.AddRange(pr.Checklist);
            foreach (var v in pr.Values)
            {
                if (aliases.TryGetValue(PrBodyParser.NormalizeLabel(v.Label), out var field))
                {
                    candidates.Add(WithoutTemplateText(new EvidenceCandidate(field, v.Label, v.Value, EvidenceSource.PrBody, v.Line)
                    {
                        Url = v.Url,
                        OnlyComment = v.OnlyComment,
                        FromSection = v.Form == LabelForm.Heading,
                    }, v.Parts, template));
                }
            }
        }

        if (policy.Sources.Contains(EvidenceSourceKind.CommitTrailers) && inputs.CommitMessages is { } messages)
        {
            var warnings = new List<string>();
            long warned = 0;
            for (int i = 0; i < messages.Count; i++)
            {
                string commitName = CommitName(inputs, i);
                var parsed = TrailerParser.Parse(messages[i]);
                foreach (var (key, value, line) in parsed.Trailers)
                {
                    // "key://..." is a URL that git's rules happen to split at its colon, not a trailer.
                    if (value.StartsWith("//", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    trailers.Add(new Trailer(key, value, i, line));
                    if (aliases.TryGetValue(PrBodyParser.NormalizeLabel(key), out var field))
                    {
                        candidates.Add(new EvidenceCandidate(field, key, value, EvidenceSource.Trailer, line) { Commit = i });
                    }
                }

                foreach (var ignored in parsed.Ignored)
                {
                    // Line 1 is the subject, where Conventional Commits put "fix: ..." on purpose.
                    if (ignored.Line == 1 || !aliases.ContainsKey(PrBodyParser.NormalizeLabel(ignored.Key))
                        || ignored.Value.StartsWith("//", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    // Counted, but kept only as far as a report shows them: 16 MiB of such lines made a million texts.
                    if (++warned > MaxTrailerWarnings)
                    {
                        continue;
                    }

                    warnings.Add($"{commitName}, line {ignored.Line}: '{ignored.Key}: {ignored.Value}' looks like a trailer but git does not read it as one: "
                        + ignored.Place switch
                        {
                            TrailerLinePlace.Subject => "it is in the subject paragraph. Move it to a paragraph of trailers at the end of the message, after a blank line.",
                            TrailerLinePlace.EarlierParagraph => "only the last paragraph holds trailers. Move it to the last paragraph.",
                            TrailerLinePlace.AfterDivider => "it comes after a '---' divider or scissors line, where the message ends.",
                            _ => "its paragraph also holds lines that are not trailers"
                                + (parsed.FirstProseLineInLastParagraph is { } p ? $" (line {p})" : "")
                                + ". Put a blank line between the text and the trailers.",
                        });
                }
            }

            if (warned > MaxTrailerWarnings)
            {
                warnings.Add($"and {warned - MaxTrailerWarnings} more such line(s), not listed");
            }

            if (warned > 0)
            {
                checks.Add(new Check("evidence.trailers", Outcome.Warn,
                    $"{warned} line(s) look like evidence trailers but git does not read them")
                {
                    Details = warnings,
                    Hint = "git reads trailers only from the last paragraph of a message, and only when every line of it is a trailer. "
                        + "Check with: git log -1 --format='%(trailers)'.",
                });
            }
        }

        bool readLabels = policy.Sources.Contains(EvidenceSourceKind.Labels);
        if (readLabels && inputs.Facts.Labels is { } labels)
        {
            foreach (var field in policy.Fields)
            {
                foreach (var label in labels)
                {
                    if (field.Labels.Select(p => p.ValueOf(label)).FirstOrDefault(v => v is not null) is { } value)
                    {
                        candidates.Add(new EvidenceCandidate(field.Name, label, value, EvidenceSource.Label, 0));
                    }
                }
            }
        }

        var evidence = new Dictionary<string, EvidenceValue>(StringComparer.Ordinal);
        foreach (var field in policy.Fields)
        {
            var mine = candidates.Where(c => c.Field == field.Name).ToList();
            var requirement = Requirement(field, inputs, known);
            var notRead = readLabels && field.Labels.Count > 0 && inputs.Facts.Labels is null
                ? "; labels were not read: " + ConditionEvaluator.MissingReason(inputs.Facts, FactNames.Labels)
                : "";
            checks.AddRange(CheckField(field, requirement, notRead, mine, inputs, evidence));
        }

        if (inputs.PrBody is not null && policy.Sources.Contains(EvidenceSourceKind.PrBody))
        {
            checks.Add(CheckChecklist(policy.Checklist, checklist));
        }

        return new EvidenceResult(checks, evidence, checklist, trailers);
    }

    /// <summary>Drops the parts of a value that are the PR template's own text for the field (its instructions,
    /// example bullets, prompts): what remains is the writer's. A value that was nothing but the template's text
    /// is a placeholder that says so.</summary>
    private static EvidenceCandidate WithoutTemplateText(EvidenceCandidate c, IReadOnlyList<string> parts, TemplateText template)
    {
        if (template.IsEmpty || parts.Count == 0)
        {
            return c;
        }

        var own = parts.Where(p => template.Source(c.Field, p) is null).ToList();
        if (own.Count == parts.Count)
        {
            return c;
        }

        if (own.Count > 0)
        {
            return c with { Value = PrBodyParser.Join(own) };
        }

        return c with { Value = "", TemplateText = (parts[0], template.Source(c.Field, parts[0])!) };
    }

    private static string? Reason(EvidenceCandidate c) => c.TemplateText is { } t
        ? $"still holds the template's text '{Shorten(t.Text)}'"
        : Placeholder.Reason(c.Value, c.OnlyComment);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77].TrimEnd() + "...";

    private static Dictionary<string, string> AliasMap(EvidencePolicy policy)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in policy.Fields)
        {
            foreach (var alias in field.Aliases.Append(field.Name))
            {
                map.TryAdd(PrBodyParser.NormalizeLabel(alias), field.Name);
            }
        }

        return map;
    }

    /// <summary>Whether the field is required on this pull request, and why when a condition decided it. A condition
    /// that cannot be decided requires the field: an unknown never waives evidence.</summary>
    private static (bool Required, string? Why) Requirement(FieldPolicy field, EvidenceInputs inputs, Lazy<IReadOnlyList<Trailer>?> trailers)
    {
        if (!field.Required || field.RequiredWhen is not { } when)
        {
            return (field.Required, null);
        }

        var outcome = ConditionEvaluator.Evaluate(when, inputs.Facts, when.Trailers.Count > 0 ? trailers.Value : null, i => CommitName(inputs, i));
        return outcome.Holds ? (true, "required: " + string.Join("; ", outcome.Held))
            : outcome.Undecided ? (true, $"required: {when.KeyPath} cannot be ruled out, as " + string.Join("; ", outcome.Unknown))
            : (false, "optional: " + string.Join("; ", outcome.NotHeld));
    }

    /// <summary>Trailers of every commit, for conditions (whatever evidence.sources says), or null without commits.</summary>
    private static List<Trailer>? KnownTrailers(IReadOnlyList<string>? messages) => messages?
        .SelectMany((m, i) => TrailerParser.Parse(m).Trailers
            .Where(t => !t.Value.StartsWith("//", StringComparison.Ordinal))
            .Select(t => new Trailer(t.Key, t.Value, i, t.Line)))
        .ToList();

    private static IEnumerable<Check> CheckField(FieldPolicy field, (bool Required, string? Why) requirement, string notRead,
        List<EvidenceCandidate> found, EvidenceInputs inputs, Dictionary<string, EvidenceValue> evidence)
    {
        string id = "evidence." + field.Name;
        string title = Title(field);
        var real = found.Where(c => Reason(c) is null).ToList();
        if (real.Count == 0)
        {
            if (!requirement.Required)
            {
                yield return new Check(id, Outcome.Skip, $"{title} not given ({requirement.Why ?? "optional"})");
                yield break;
            }

            var placeholder = found.FirstOrDefault();
            string message = placeholder is null
                ? $"{title} is missing"
                : $"{title} {Reason(placeholder)} ({Where(placeholder, inputs)})";
            string hint = placeholder?.TemplateText is { } tt
                ? $"Replace the text the PR template ({tt.Template}) gives under '{placeholder.Label}' with the {title.ToLowerInvariant()} itself. " + HowToWrite(field)
                : HowToWrite(field);
            yield return new Check(id, Outcome.Fail, message + (requirement.Why is { } why ? $" ({why})" : "") + notRead) { Hint = hint };
            yield break;
        }

        real = real.Select(c => WithKey(field, c)).ToList();
        // "## Risk & Rollback Plan" then "- Rollback: revert ...": the labelled line says more than the whole section.
        var chosen = real.FirstOrDefault(c => c.Source == EvidenceSource.PrBody && !c.FromSection)
            ?? real.FirstOrDefault(c => c.Source == EvidenceSource.PrBody) ?? real[0];
        var value = new EvidenceValue(field.Name, chosen.Value, chosen.Source, chosen.Line)
        {
            Url = SafeUrl(chosen.Url),
            Commit = chosen.Commit,
            Label = chosen.Source == EvidenceSource.Label ? chosen.Label : null,
        };
        string? problem = null;
        TestRef? testRef = null;
        switch (field.Kind)
        {
            case FieldKind.TraceId:
                var traceId = TraceIds.Find(chosen.Value, chosen.Url);
                if (traceId is null)
                {
                    problem = TraceIds.IsAllZero(chosen.Value)
                        ? $"'{chosen.Value}' is the all-zero trace id, which W3C Trace Context defines as invalid"
                        : $"'{chosen.Value}' holds no W3C trace id: expected 32 hex digits, bare or inside a trace URL";
                }

                value = value with { TraceId = traceId };
                break;
            case FieldKind.TestRef:
                testRef = TestRef.Parse(chosen.Value, out problem);
                if (testRef is { HasPath: true })
                {
                    problem = inputs.Workspace.Probe(testRef.Path) switch
                    {
                        PathState.Missing => $"'{testRef.Path}' does not exist in the checkout",
                        PathState.OutsideWorkspace => $"'{testRef.Path}' resolves outside the checkout (a link?): the repro must be inside it",
                        _ => null,
                    };
                }

                break;
        }

        if (problem is null && field.Pattern is { } pattern)
        {
            problem = MatchPattern(pattern, chosen.Value);
        }

        evidence[field.Name] = value;
        // The value came from a trailer while the PR still shows the template's filler: readers of the PR see filler.
        var stalePr = chosen.Source != EvidenceSource.PrBody ? found.FirstOrDefault(c => c.Source == EvidenceSource.PrBody) : null;
        if (problem is not null)
        {
            yield return new Check(id, Outcome.Fail, $"{title} is not well formed: {problem} ({Where(chosen, inputs)})") { Hint = HowToWrite(field) };
        }
        else if (stalePr is not null)
        {
            yield return new Check(id, Outcome.Warn,
                $"{title}: {chosen.Value} ({Where(chosen, inputs)}), but the PR description {Reason(stalePr)} ({Where(stalePr, inputs)})")
            {
                Hint = $"Fill in '{Title(field)}:' in the PR description so reviewers see the same evidence as the commits.",
            };
        }
        else
        {
            yield return new Check(id, Outcome.Pass, $"{title}: {chosen.Value} ({Where(chosen, inputs)})");
        }

        if (field.MustAgree && real.Count > 1)
        {
            var distinct = real.GroupBy(c => Normalize(field, c)).ToList();
            yield return distinct.Count == 1
                ? new Check("evidence.agreement." + field.Name, Outcome.Pass, $"{title} agrees in {real.Count} places")
                : new Check("evidence.agreement." + field.Name, Outcome.Fail,
                    $"{title} differs between places: " + string.Join("; ", distinct.Select(g => $"'{g.First().Value}' in {string.Join(", ", g.Select(c => Where(c, inputs)))}")))
                {
                    Hint = $"Make the PR description{(field.Labels.Count > 0 ? ", the labels" : "")} and every commit's {TrailerKey(field)} trailer name the same {title.ToLowerInvariant()}.",
                };
        }

        if (testRef is not null && problem is null)
        {
            yield return CheckRun(field, testRef, inputs);
        }
    }

    /// <summary>A tracker link given as the value yields its key: the key is the value, the link is kept.</summary>
    private static EvidenceCandidate WithKey(FieldPolicy field, EvidenceCandidate c)
    {
        if (!field.TrackerKeys && field.KeyPattern is null)
        {
            return c;
        }

        return TrackerKeys.Find(c.Value, c.Url, field.TrackerKeys, field.KeyPattern) is { } key
            ? c with { Value = key.Key, Url = key.Url ?? c.Url }
            : c;
    }

    private static Check CheckRun(FieldPolicy field, TestRef testRef, EvidenceInputs inputs)
    {
        string id = $"evidence.{field.Name}.run";
        if (inputs.TestCases is not { } cases)
        {
            return new Check(id, Outcome.Warn, $"{testRef} was not verified: no test results were given")
            {
                Hint = "Pass --test-results GLOB (JUnit XML or TRX) or set tests.results in the policy so the repro is shown to run and pass.",
            };
        }

        // A file or package that did not get to run its tests makes the repro errored, not missing.
        var matches = TestMatcher.FindForRepro(testRef, cases);
        if (matches.Count == 0)
        {
            return new Check(id, Outcome.Fail,
                $"{testRef} did not run: no test case in {inputs.TestResultFiles.Count} result file(s) ({inputs.TestCaseCount ?? cases.Count} test cases) matches it")
            {
                Hint = "Check the spelling of the test name and path, and that the repro test runs in this CI job; 'tracegate tests list REPORT' prints the reference of every case.",
                Details = inputs.TestResultFiles.ToList(),
                Repro = new ReproRun(testRef.ToString(), "not-found", []),
            };
        }

        return ReproVerdict.Of(id, testRef, matches, inputs.Flaky);
    }

    private static string? MatchPattern(Regex pattern, string value)
    {
        try
        {
            return pattern.IsMatch(value) ? null : $"'{value}' does not match the pattern {pattern}";
        }
        catch (RegexMatchTimeoutException)
        {
            return $"the pattern {pattern} took longer than {pattern.MatchTimeout.TotalMilliseconds} ms on this value";
        }
    }

    private static Check CheckChecklist(ChecklistMode mode, List<ChecklistItem> items)
    {
        if (mode == ChecklistMode.Ignore)
        {
            return new Check("evidence.checklist", Outcome.Skip, "checklist not checked (evidence.checklist: ignore)");
        }

        if (items.Count == 0)
        {
            return new Check("evidence.checklist", Outcome.Skip, "the PR description has no checklist");
        }

        var open = items.Where(i => !i.Checked).ToList();
        return open.Count == 0
            ? new Check("evidence.checklist", Outcome.Pass, $"{items.Count} of {items.Count} checklist items checked")
            : new Check("evidence.checklist", Outcome.Fail, $"{open.Count} of {items.Count} checklist items not checked")
            {
                Details = open.Select(i => $"line {i.Line}: [ ] {i.Text}").ToList(),
                Hint = "Do what each open item asks and tick it (- [x]), or remove items that do not apply.",
            };
    }

    private static string Normalize(FieldPolicy field, EvidenceCandidate c) => field.Kind switch
    {
        FieldKind.TraceId => TraceIds.Find(c.Value, c.Url) ?? c.Value.Trim(),
        FieldKind.TestRef => TestRef.Parse(c.Value, out _)?.ToString() ?? c.Value.Trim(),
        _ => string.Join(' ', c.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)),
    };

    private static string Where(EvidenceCandidate c, EvidenceInputs inputs) => c.Source switch
    {
        EvidenceSource.PrBody => $"PR description line {c.Line}",
        EvidenceSource.Label => $"label {c.Label}",
        _ => $"{c.Label} trailer of {CommitName(inputs, c.Commit ?? 0)}",
    };

    private static string CommitName(EvidenceInputs inputs, int index) =>
        inputs.CommitIds is { } ids && index < ids.Count ? $"commit {ids[index][..Math.Min(12, ids[index].Length)]}" : $"commit {index}";

    public static string Title(FieldPolicy field) =>
        field.Aliases.FirstOrDefault(a => a.Any(char.IsLower)) ?? Capitalize(field.Name.Replace('-', ' '));

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    internal static string TrailerKey(FieldPolicy field) =>
        field.Aliases.FirstOrDefault(a => a.Length > 0 && a.All(ch => char.IsAsciiLetterUpper(ch) || char.IsAsciiDigit(ch) || ch == '-'))
        ?? field.Name.ToUpperInvariant();

    private static string HowToWrite(FieldPolicy field)
    {
        string example = field.Kind switch
        {
            FieldKind.TraceId => "<32-hex-digit trace id or trace URL>",
            FieldKind.TestRef => "<path/to/test_file::test_name>",
            _ when field.Name == "incident" => "<ticket id, e.g. INC-2471>",
            _ => "<" + field.Name.Replace('-', ' ') + ">",
        };
        return $"Add a line '{Title(field)}: {example}' to the PR description, or a '{TrailerKey(field)}: {example}' trailer "
            + "in the last paragraph of a commit message"
            + (field.Labels.Count > 0 ? $", or the label '{field.Labels[0].Text.Replace(LabelPattern.Placeholder, example, StringComparison.Ordinal)}'" : "")
            + ".";
    }

    /// <summary>Only http(s) links survive into reports: a PR could otherwise plant <c>javascript:</c> URLs.</summary>
    private static string? SafeUrl(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
            ? u.AbsoluteUri
            : null;
}
