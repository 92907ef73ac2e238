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

    /// <summary>The most runs per side <c>tracegate prove --repeat</c> makes: 20 runs of each side already give a
    /// baseline budget 20 times one run's spans, and a suite slow enough to need more would hold the job for hours.</summary>
    public const int MaxRepeat = Core.Model.ProofSummary.MaxRepeat;

    /// <summary>Run <paramref name="run"/>'s results file: results.xml for a single run, results-RUN.xml under --repeat.</summary>
    public static string ResultsName(int run, int repeat) => repeat == 1 ? ResultsFile : $"results-{run}.xml";

    /// <summary>Run <paramref name="run"/>'s traces: traces.pb for a single run, traces-RUN.pb under --repeat.</summary>
    public static string TracesName(int run, int repeat) => repeat == 1 ? TracesFile : $"traces-{run}.pb";

    /// <summary>The results files of a side's runs, in run order (one name without --repeat).</summary>
    public IReadOnlyList<string> ResultsFiles(string side) => Names(side, ResultsName);

    /// <summary>The trace files of a side's runs, pooled as the side's sample.</summary>
    public IReadOnlyList<string> TracesFiles(string side) => Names(side, TracesName);

    private List<string> Names(string side, Func<int, int, string> name)
    {
        int repeat = (side == "head" ? Head : Baseline).Repeat;
        return Enumerable.Range(1, repeat).Select(run => name(run, repeat)).ToList();
    }

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

        var baseline = ReadRun(dir, shown, "baseline");
        var head = ReadRun(dir, shown, "head");
        if (baseline.Repeat != head.Repeat)
        {
            throw new UserInputException($"{shown}: baseline/{RunFile} records {baseline.Repeat} run(s) and head/{RunFile} {head.Repeat}: run tracegate prove again (both sides of one proof run equally often)");
        }

        return new ProofDirectory(System.IO.Path.GetFullPath(dir), baseline, head);
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
            int repeat = 1;
            if (root.TryGetProperty("repeat", out var rp))
            {
                if (rp.ValueKind != JsonValueKind.Number || !rp.TryGetInt32(out repeat) || repeat < 1 || repeat > MaxRepeat)
                {
                    throw new UserInputException($"{display}: 'repeat' must be a whole number from 1 to {MaxRepeat}, as tracegate prove --repeat writes it");
                }
            }

            var runs = repeat == 1 ? [] : ReadRuns(root, display, repeat, System.IO.Path.Combine(dir, side));
            bool hasResults = repeat == 1 ? File.Exists(System.IO.Path.Combine(dir, side, ResultsFile)) : runs.Any(r => r.Results is not null);
            return new ProofRunInfo(commit, exitCode, spans)
            {
                Repeat = repeat,
                Runs = runs,
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

    /// <summary>The runs of a side under --repeat, one per run number in order; a run's results count only when its
    /// file is there (the record is the PR's code's to forge, the files are what is judged).</summary>
    private static List<ProofRepeatRun> ReadRuns(JsonElement root, string display, int repeat, string sideDir)
    {
        if (!root.TryGetProperty("runs", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() != repeat)
        {
            throw new UserInputException($"{display}: expected 'runs', an array of {repeat} runs (its 'repeat'), as tracegate prove --repeat writes it");
        }

        var runs = new List<ProofRepeatRun>();
        int run = 0;
        foreach (var item in list.EnumerateArray())
        {
            run++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new UserInputException($"{display}: runs[{run - 1}]: expected an object");
            }

            int? code = item.TryGetProperty("exitCode", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int c) ? c : null;
            long spans = item.TryGetProperty("spans", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out long n) ? n : 0;
            bool timedOut = item.TryGetProperty("timedOut", out var t) && t.ValueKind == JsonValueKind.True;
            string name = ResultsName(run, repeat);
            runs.Add(new ProofRepeatRun(run, code, timedOut, spans, File.Exists(System.IO.Path.Combine(sideDir, name)) ? name : null));
        }

        return runs;
    }
}
