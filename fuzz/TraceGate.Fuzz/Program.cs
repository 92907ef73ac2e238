using SharpFuzz;
using TraceGate.Fuzz;

// afl-fuzz runs `TraceGate.Fuzz TARGET`; `TraceGate.Fuzz TARGET FILE...` replays inputs without AFL (for triage);
// `TraceGate.Fuzz --make-seeds REPO OUT` writes the seed corpora and AFL dictionaries from the repository's fixtures.
if (args is ["--make-seeds", var repo, var outDir])
{
    SeedCorpus.Write(repo, outDir);
    foreach (var name in FuzzTargets.All.Keys)
    {
        File.WriteAllText(Path.Combine(outDir, name + ".dict"), SeedCorpus.Dictionary(name));
    }

    return 0;
}

if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: TraceGate.Fuzz TARGET [FILE...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (args.Length > 1)
{
    int failed = 0;
    foreach (var file in args.Skip(1))
    {
        try
        {
            target(File.ReadAllBytes(file));
            Console.WriteLine($"ok    {file}");
        }
        catch (Exception e)
        {
            failed++;
            Console.WriteLine($"CRASH {file}: {e.GetType().Name}: {e.Message}");
            Console.WriteLine(e.StackTrace);
        }
    }

    return failed == 0 ? 0 : 1;
}

// Out of process: a stack overflow or a fail-fast in one input is reported as a crash instead of killing the
// fork server.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
