using System.Text.RegularExpressions;
using TraceGate.Core.Rules;

namespace TraceGate.Core.Policy;

public enum FieldKind
{
    Text,
    TraceId,
    TestRef,
}

public enum ChecklistMode
{
    AllChecked,
    Ignore,
}

public enum EvidenceSourceKind
{
    PrBody,
    CommitTrailers,
    Labels,
}

/// <summary>One evidence field: how it is labelled, whether it is required and what a well-formed value is.</summary>
public sealed record FieldPolicy(string Name, bool Required, IReadOnlyList<string> Aliases, FieldKind Kind)
{
    public Regex? Pattern { get; init; }
    public string? Link { get; init; }

    /// <summary>Whether a tracker link given as the value yields its key (Jira <c>/browse/KEY-1</c>, Linear
    /// <c>/issue/KEY-1/…</c>, a GitHub issue as <c>owner/repo#1</c>, an Azure Boards work item as <c>AB#1</c>).</summary>
    public bool TrackerKeys { get; init; }

    /// <summary><c>key-pattern</c>: finds the key of another tracker in the value or its link; the group named
    /// <c>key</c> (or the whole match) is the value.</summary>
    public Regex? KeyPattern { get; init; }

    /// <summary>Whether PR and trailers (and commits between them) must give the same value. Free text such as an
    /// invariant is reworded between a PR and a commit, so it defaults to false for <see cref="FieldKind.Text"/>
    /// fields without a pattern.</summary>
    public bool MustAgree { get; init; }

    public int Line { get; init; }

    /// <summary><c>required: { when: ... }</c>: the field is required only when this holds (or cannot be decided).
    /// Null when <see cref="Required"/> alone decides.</summary>
    public Condition? RequiredWhen { get; init; }

    /// <summary>Label patterns (<c>incident:{value}</c>) read when <c>evidence.sources</c> names <c>labels</c>.</summary>
    public IReadOnlyList<LabelPattern> Labels { get; init; } = [];
}

public sealed record EvidencePolicy(
    IReadOnlyList<EvidenceSourceKind> Sources,
    ChecklistMode Checklist,
    IReadOnlyList<FieldPolicy> Fields)
{
    /// <summary>Which pull requests need evidence at all (<c>evidence.when</c>, skip-authors, skip-labels).</summary>
    public ScopePolicy Scope { get; init; } = ScopePolicy.Everything;

    /// <summary>Whether any condition asks about the changed files, so a host lists them only when needed.</summary>
    public bool NeedsChangedFiles => Scope.When?.Paths.Count > 0 || Fields.Any(f => f.RequiredWhen?.Paths.Count > 0);

    /// <summary>Whether anything reads the labels, so a host asks for them only when needed.</summary>
    public bool NeedsLabels => Scope.When?.Labels.Count > 0 || Scope.SkipLabels.Count > 0 || Sources.Contains(EvidenceSourceKind.Labels)
        || Fields.Any(f => f.RequiredWhen?.Labels.Count > 0);
}

public sealed record TestsPolicy(IReadOnlyList<string> Results)
{
    /// <summary>The base commit's results of the same tests (<c>tests.baseline</c>), for <c>proof.repro</c>.</summary>
    public IReadOnlyList<string> Baseline { get; init; } = [];

    /// <summary><c>tests.flaky</c>: what a repro that passed only on a retry does to <c>evidence.repro.run</c>.</summary>
    public FlakyMode Flaky { get; init; } = FlakyMode.Fail;
}

/// <summary><c>proof:</c> what <c>tracegate prove</c> lays over the base commit besides the repro's own file.</summary>
public sealed record ProofPolicy(IReadOnlyList<string> Tests)
{
    /// <summary>The default place of the incident's committed traces: canonical artifacts kept with the repository.
    /// Declared before <see cref="None"/>, which reads it while it is initialised.</summary>
    public static readonly IReadOnlyList<string> DefaultIncidentTraces = ["incidents/{incident}/**/*"];

    public static readonly ProofPolicy None = new([]);

    /// <summary>Where the incident's traces are committed: globs with <c>{incident}</c> and <c>{traceId}</c>.</summary>
    public IReadOnlyList<string> IncidentTraces { get; init; } = DefaultIncidentTraces;
}

/// <summary>A repro that passed only on a retry is not a deterministic reproduction: by default it fails.</summary>
public enum FlakyMode
{
    Fail,
    Warn,
    Pass,
}

/// <summary>The gate's rules. <see cref="Path"/> is null when the documented defaults are used.</summary>
public sealed record GatePolicy(string? Path, EvidencePolicy Evidence, TestsPolicy Tests)
{
    public bool IsDefault => Path is null;

    public TracesPolicy Traces { get; init; } = TracesPolicy.None;

    public ProofPolicy Proof { get; init; } = ProofPolicy.None;
}
