using TraceGate.Core.Evidence;

namespace TraceGate.Cli.Inputs;

/// <summary>
/// Finds the checkout's PR templates where GitHub and Azure Repos look for them, with their case rules:
/// <c>pull_request_template.md</c> (or <c>.txt</c>, any case) in the root, <c>docs/</c> and <c>.github/</c>, and every
/// file of a <c>PULL_REQUEST_TEMPLATE/</c> folder there (GitHub: "Pull request template filenames are not case
/// sensitive"); Azure Repos' <c>.azuredevops/</c> and <c>.vsts/</c>, with their <c>pull_request_template/</c> and
/// <c>pull_request_template/branches/</c> folders. Templates are read from the checkout only: a path or a link that
/// leads outside it is refused.
/// </summary>
public static class PrTemplateFiles
{
    private static readonly string[] Folders = ["", "docs", ".github", ".azuredevops", ".vsts"];
    private const string BaseName = "pull_request_template";

    /// <summary>The templates found, in a stable order, and the paths skipped because they lead outside the checkout.</summary>
    public static (IReadOnlyList<PrTemplate> Templates, IReadOnlyList<string> Skipped) Discover(FileWorkspace workspace)
    {
        var found = new List<string>();
        foreach (var folder in Folders)
        {
            var dir = folder.Length == 0 ? workspace.Root : Child(workspace.Root, folder, directory: true);
            if (dir is null)
            {
                continue;
            }

            found.AddRange(Files(dir).Where(f => IsTemplateName(Path.GetFileName(f))));
            if (Child(dir, BaseName, directory: true) is { } many)
            {
                found.AddRange(Files(many).Where(f => IsMarkdownOrText(f)));
                if (folder is ".azuredevops" or ".vsts" && Child(many, "branches", directory: true) is { } branches)
                {
                    found.AddRange(Files(branches).Where(f => IsMarkdownOrText(f)));
                }
            }
        }

        var templates = new List<PrTemplate>();
        var skipped = new List<string>();
        foreach (var full in found.Distinct(StringComparer.Ordinal))
        {
            string display = Path.GetRelativePath(workspace.Root, full).Replace('\\', '/');
            if (!workspace.Contains(full))
            {
                skipped.Add(display);
                continue;
            }

            templates.Add(new PrTemplate(display, InputFiles.ReadText(full, InputFiles.MaxPrBodyBytes, "PR template")));
        }

        return (templates, skipped);
    }

    /// <summary>The file <c>--pr-template</c> names, relative to the checkout and inside it.</summary>
    public static PrTemplate Read(FileWorkspace workspace, string path)
    {
        var full = Path.GetFullPath(Path.Combine(workspace.Root, path));
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw new UserInputException($"--pr-template {path}: no such file in the checkout ({workspace.Root})");
        }

        if (!workspace.Contains(full))
        {
            throw new UserInputException($"--pr-template {path}: resolves outside the checkout: the PR template is read from the checkout only");
        }

        return new PrTemplate(Path.GetRelativePath(workspace.Root, full).Replace('\\', '/'), InputFiles.ReadText(full, InputFiles.MaxPrBodyBytes, "PR template"));
    }

    private static bool IsTemplateName(string name) =>
        name.Equals(BaseName + ".md", StringComparison.OrdinalIgnoreCase)
        || name.Equals(BaseName + ".txt", StringComparison.OrdinalIgnoreCase)
        || name.Equals(BaseName, StringComparison.OrdinalIgnoreCase);

    private static bool IsMarkdownOrText(string path) =>
        Path.GetExtension(path).Equals(".md", StringComparison.OrdinalIgnoreCase) || Path.GetExtension(path).Equals(".txt", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> Files(string dir)
    {
        try
        {
            return Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The entry of <paramref name="dir"/> whose name matches, ignoring case as GitHub does.</summary>
    private static string? Child(string dir, string name, bool directory)
    {
        try
        {
            var entries = directory ? Directory.EnumerateDirectories(dir) : Directory.EnumerateFiles(dir);
            return entries.Where(e => Path.GetFileName(e).Equals(name, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
