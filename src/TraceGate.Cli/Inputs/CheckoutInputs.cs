using TraceGate.Core.Pipeline;

namespace TraceGate.Cli.Inputs;

/// <summary>The pipeline's files from the checkout on disk: globs resolved with <see cref="InputFiles.Glob(FileWorkspace, IEnumerable{string}, bool)"/>
/// (policy globs stay inside the checkout), PR templates where GitHub and Azure Repos look for them, or the one
/// <c>--pr-template</c> names.</summary>
public sealed class CheckoutInputs(FileWorkspace workspace, string? prTemplate) : IInputSource
{
    public FoundInputs Find(IReadOnlyList<string> globs, bool fromCi)
    {
        var found = InputFiles.Glob(workspace, globs, fromCi);
        var files = found.Files.Select(path => new NamedInput(InputFiles.Display(workspace, path),
            () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))).ToList();
        return new FoundInputs(files, found.Unmatched, found.Refused);
    }

    public PrTemplates PrTemplates()
    {
        if (prTemplate is not null)
        {
            return new PrTemplates([PrTemplateFiles.Read(workspace, prTemplate)], []);
        }

        var (templates, skipped) = PrTemplateFiles.Discover(workspace);
        return new PrTemplates(templates, skipped);
    }
}
