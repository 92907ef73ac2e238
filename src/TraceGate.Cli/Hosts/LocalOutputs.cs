using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Hosts;

/// <summary>
/// What a platform wants written where its users read the verdict without its API: the files, the console and the
/// platform's own commands. The platform only says what and where; <see cref="VerdictWriter"/> writes all of it, for
/// every platform, in one order, before anything is published.
/// </summary>
public sealed record LocalOutputs
{
    /// <summary>The JSON report; its path is also the step's <c>report</c> output.</summary>
    public OutputFile? Report { get; init; }

    /// <summary>The Markdown summary (the step summary on GitHub, the attached summary on Azure).</summary>
    public SummaryFile? Summary { get; init; }

    /// <summary>Files a later step needs next to the report (GitHub's event.json for mode publish), as written.</summary>
    public IReadOnlyList<(string Path, string Content)> Artifacts { get; init; } = [];

    /// <summary>Whether the console report is coloured.</summary>
    public bool Color { get; init; }

    /// <summary>The platform's commands (annotations, step outputs, summary attachment); none on the command line.</summary>
    public IStepCommands? Commands { get; init; }

    /// <summary>Lines printed before the verdict and after it (what the platform says about the run itself).</summary>
    public IReadOnlyList<string> Before { get; init; } = [];

    /// <inheritdoc cref="Before"/>
    public IReadOnlyList<string> After { get; init; } = [];
}

/// <summary>A file the verdict is written to. <paramref name="Option"/> is the path as the user typed it in an
/// option: a file that cannot be written is then the user's input error (exit 2) naming it.</summary>
public sealed record OutputFile(string FullPath, string? Option = null);

/// <summary>The Markdown summary: where, whether it is appended to (GitHub's step summary is one file per job),
/// its size budget and whether it draws Mermaid charts (where the Markdown is rendered with Mermaid).</summary>
public sealed record SummaryFile(OutputFile File, bool Append = false, int Limit = MarkdownReport.GitHubCheckRunLimit, bool Mermaid = false);
