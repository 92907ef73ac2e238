using TraceGate.Cli.Inputs;
using TraceGate.Core.Evidence;
using TraceGate.Core.Otlp;
using TraceGate.Core.Policy;
using TraceGate.Core.Traces;

namespace TraceGate.Cli.Hosts;

/// <summary><c>tracegate traces summarize</c> and <c>tracegate init</c>: help for writing trace rules.</summary>
public static class TraceTools
{
    public static SpanSummary Summarize(RunContext ctx, IReadOnlyList<string> files)
    {
        if (files.Count == 0)
        {
            throw new UserInputException("name at least one trace file");
        }

        var summary = new SpanSummary();
        foreach (var file in files)
        {
            var full = ctx.Resolve(file);
            if (!File.Exists(full))
            {
                throw new UserInputException($"{file}: no such file (a trace file)");
            }

            try
            {
                using var stream = File.OpenRead(full);
                TraceFileReader.Read(file, stream, new ReadOptions(), summary);
            }
            catch (TraceInputException e)
            {
                throw new UserInputException(e.Message);
            }
        }

        return summary;
    }

    /// <param name="Workspace">The checkout whose PR template <c>--evidence</c> reads.</param>
    public sealed record InitRequest(IReadOnlyList<string> Traces, bool Evidence, string? PrTemplate, string? Workspace, string Output, bool Force);

    public static int Init(RunContext ctx, InitRequest request)
    {
        if (request.Traces.Count == 0 && !request.Evidence)
        {
            throw new UserInputException("init needs --traces FILE... (draft trace rules from a good run) and/or --evidence (draft the evidence fields from the PR template)");
        }

        if (request.PrTemplate is not null && !request.Evidence)
        {
            throw new UserInputException("--pr-template is read by init --evidence: add --evidence");
        }

        var full = ctx.Resolve(request.Output);
        if (File.Exists(full) && !request.Force)
        {
            throw new UserInputException($"{request.Output} exists: pass --force to overwrite it, or --out another file");
        }

        var parts = new List<string>();
        SpanSummary? summary = null;
        if (request.Traces.Count > 0)
        {
            summary = Summarize(ctx, request.Traces);
            if (summary.Spans == 0)
            {
                throw new UserInputException($"{string.Join(", ", request.Traces)}: no spans to draft a policy from");
            }

            var files = request.Traces;
            string glob = files.Count == 1 && !Path.IsPathRooted(files[0]) && !files[0].Contains("..", StringComparison.Ordinal)
                ? files[0].Replace('\\', '/')
                : "artifacts/traces/**/*";
            parts.Add(PolicyDraft.Render(summary, glob));
        }

        IReadOnlyList<PrTemplate> templates = [];
        if (request.Evidence)
        {
            string dir = ctx.Resolve(request.Workspace ?? ".");
            if (!Directory.Exists(dir))
            {
                throw new UserInputException($"--workspace {request.Workspace}: no such directory");
            }

            var workspace = new FileWorkspace(dir);
            if (request.PrTemplate is { } path)
            {
                templates = [PrTemplateFiles.Read(workspace, path)];
            }
            else
            {
                (templates, var skipped) = PrTemplateFiles.Discover(workspace);
                if (templates.Count == 0)
                {
                    throw new UserInputException("no PR template in the checkout: looked for pull_request_template.md (any case) in the root, docs/, .github/ "
                        + "(and .github/PULL_REQUEST_TEMPLATE/*.md), .azuredevops/ and .vsts/"
                        + (skipped.Count > 0 ? $"; skipped {string.Join(", ", skipped)} (leads outside the checkout)" : "")
                        + ". Pass --pr-template FILE.");
                }
            }

            string evidence = EvidenceDraft.Render(templates);
            parts.Add(parts.Count == 0
                ? "# Drafted by `tracegate init --evidence`. A starting point: keep the fields your bug-fix PRs must carry, delete the rest.\nversion: 1\n" + evidence
                : evidence);
        }

        var text = string.Concat(parts);
        // A draft that does not load would be a bug of ours, not the user's: check before writing.
        var loaded = PolicyLoader.Load(request.Output, text);
        if (loaded.Policy is null)
        {
            throw new InvalidOperationException("the drafted policy does not load: " + string.Join("; ", loaded.Errors));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        var said = new List<string>();
        if (summary is not null)
        {
            said.Add($"{loaded.Policy.Traces.Rules.Count} rules drafted from {summary.Spans} spans");
        }

        if (request.Evidence)
        {
            said.Add($"{loaded.Policy.Evidence.Fields.Count} evidence fields drafted from {string.Join(", ", templates.Select(t => t.Path))}");
        }

        ctx.Out.WriteLine($"wrote {request.Output}: {string.Join("; ", said)}; edit it, then run tracegate check");
        return ExitCodes.Success;
    }
}
