using System.Text.Json;
using TraceGate.Core.Gates;

namespace TraceGate.Cli.Inputs;

/// <summary>
/// The directory <c>tracegate prove</c> writes: <c>baseline/</c> and <c>head/</c>, each with <c>run.json</c>, the
/// runner's results file and <c>traces.pb</c>. Its files may come from a run the PR controls, so <c>run.json</c>
/// is read with a size limit and every text it holds is treated as untrusted.
/// </summary>
public sealed record ProofDirectory(string Root, ProofRunInfo Baseline, ProofRunInfo Head)
{
    public const string DefaultPath = ".tracegate/proof";
    public const string ResultsFile = "results.xml";
    public const string TracesFile = "traces.pb";
    public const string RunFile = "run.json";
    private const int MaxRunBytes = 1024 * 1024;

    public string Path(string side, string file) => System.IO.Path.Combine(Root, side, file);

    /// <summary>The proof given with <c>--proof</c>, or <c>.tracegate/proof</c> in the workspace when it is there.</summary>
    public static ProofDirectory? Find(string workspaceDir, string? explicitDir, Func<string, string> resolve)
    {
        string dir = explicitDir is null ? System.IO.Path.Combine(workspaceDir, DefaultPath) : resolve(explicitDir);
        if (!Directory.Exists(dir))
        {
            return explicitDir is null ? null : throw new UserInputException($"--proof {explicitDir}: no such directory");
        }

        string shown = explicitDir ?? DefaultPath;
        foreach (var side in new[] { "baseline", "head" })
        {
            if (!File.Exists(System.IO.Path.Combine(dir, side, RunFile)))
            {
                throw new UserInputException($"{shown}: not a proof directory: {side}/{RunFile} is missing (tracegate prove writes baseline/ and head/, each with {RunFile}, {ResultsFile} and {TracesFile})");
            }
        }

        return new ProofDirectory(System.IO.Path.GetFullPath(dir), ReadRun(dir, shown, "baseline"), ReadRun(dir, shown, "head"));
    }

    private static ProofRunInfo ReadRun(string dir, string shown, string side)
    {
        string display = $"{shown}/{side}/{RunFile}";
        string text = InputFiles.ReadText(System.IO.Path.Combine(dir, side, RunFile), MaxRunBytes, "proof run record");
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new UserInputException($"{display}: expected a JSON object as tracegate prove writes it");
            }

            string? commit = root.TryGetProperty("commit", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            int? exitCode = root.TryGetProperty("exitCode", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int code) ? code : null;
            long? spans = root.TryGetProperty("spans", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long n) ? n : null;
            bool timedOut = root.TryGetProperty("timedOut", out var t) && t.ValueKind == JsonValueKind.True;
            bool hasResults = File.Exists(System.IO.Path.Combine(dir, side, ResultsFile));
            return new ProofRunInfo(commit, exitCode, spans)
            {
                TimedOut = timedOut,
                ResultsProblem = hasResults ? null
                    : $"the command wrote no results file at {{results}} ({shown}/{side}/{ResultsFile}): pass {{results}} to the runner's JUnit or TRX option",
            };
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"{display}:{(ex.LineNumber ?? 0) + 1}: byte {(ex.BytePositionInLine ?? 0) + 1}: malformed JSON: {ex.Message.Split(" LineNumber", 2)[0]}");
        }
    }
}
