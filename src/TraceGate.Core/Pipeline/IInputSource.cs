using TraceGate.Core.Evidence;

namespace TraceGate.Core.Pipeline;

/// <summary>
/// Where the pipeline's files come from: the host's checkout (globs resolved on disk, with its rules for what may
/// leave the checkout) or, in a test, an in-memory set. The pipeline asks at the moment it needs the files, so an
/// input problem is reported in the same order whoever supplies them.
/// </summary>
public interface IInputSource
{
    /// <param name="fromCi">The globs came from the CI configuration (an option, a <c>TRACEGATE_*</c> variable, an
    /// action or task input), not from the policy file: they may then be absolute or lead out of the checkout.</param>
    FoundInputs Find(IReadOnlyList<string> globs, bool fromCi);

    /// <summary>The PR templates to tell placeholders by, asked for only when there is a PR description.</summary>
    PrTemplates PrTemplates();
}

/// <summary>What a set of globs found: the files in a stable order, the globs that matched nothing, and the files a
/// glob matched that were refused because they resolve outside the checkout.</summary>
public sealed record FoundInputs(IReadOnlyList<NamedInput> Files, IReadOnlyList<string> Unmatched, IReadOnlyList<(string Glob, string File)> Refused)
{
    public static readonly FoundInputs None = new([], [], []);
}

/// <summary>The PR templates read, and the template paths skipped because they lead outside the checkout.</summary>
public sealed record PrTemplates(IReadOnlyList<PrTemplate> Templates, IReadOnlyList<string> Skipped)
{
    public static readonly PrTemplates None = new([], []);
}
