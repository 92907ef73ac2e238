using FluentAssertions;
using TraceGate.Fuzz;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Fuzz;

/// <summary>
/// Replays through the fuzz targets (the same code AFL drives) the seeds made from the fixtures, the corpus kept from
/// long fuzzing runs (<c>fuzz/corpus/TARGET</c>), and every crash or hang found (<c>Fuzz/Fixtures/TARGET</c>, kept
/// once fixed). A target throws for anything but the documented outcome, so each file here is a regression test.
/// </summary>
public sealed class FuzzRegressionTests : IDisposable
{
    private readonly TempDir _seeds = new();

    public FuzzRegressionTests() => SeedCorpus.Write(Repo.Root, _seeds.Path);

    public void Dispose() => _seeds.Dispose();

    public static TheoryData<string> Targets() => new(FuzzTargets.All.Keys.Where(t => t != "self-test"));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Target_AcceptsEverySeedKeptCorpusFileAndFixedCrash(string target)
    {
        var inputs = new[]
        {
            Path.Combine(_seeds.Path, target),
            Path.Combine(Repo.Root, "tests", "TraceGate.Tests", "Fuzz", "Fixtures", target),
        }.Where(Directory.Exists).SelectMany(Directory.GetFiles).Select(f => (Name: Path.GetRelativePath(Repo.Root, f), Bytes: File.ReadAllBytes(f))).ToList();
        inputs.AddRange(KeptCorpus(target));

        inputs.Should().NotBeEmpty("every target has seeds");
        var failures = new List<string>();
        foreach (var (name, bytes) in inputs)
        {
            try
            {
                FuzzTargets.All[target](bytes);
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        failures.Should().BeEmpty();
    }

    /// <summary>fuzz/corpus/TARGET.tar.gz: what long runs found worth keeping (afl-cmin), one small file each.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> KeptCorpus(string target)
    {
        var archive = Path.Combine(Repo.Root, "fuzz", "corpus", target + ".tar.gz");
        if (!File.Exists(archive))
        {
            yield break;
        }

        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(archive), System.IO.Compression.CompressionMode.Decompress);
        using var tar = new System.Formats.Tar.TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null)
            {
                continue;
            }

            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            yield return ($"fuzz/corpus/{target}.tar.gz:{entry.Name}", buffer.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void KeptCorpus_IsThereForEveryTarget(string target)
    {
        // Every target has run for an hour or more; a missing archive would send the next run back to the fixtures.
        KeptCorpus(target).Should().HaveCountGreaterThan(50, $"fuzz/corpus/{target}.tar.gz keeps what the long runs reached");
    }

    [Fact]
    public void SelfTarget_ThrowsOnItsPlantedInput()
    {
        // The planted crash AFL must find in fuzz/run.sh's self-test; here it proves a target's throw is seen.
        var act = () => FuzzTargets.All["self-test"]("FUZZ"u8.ToArray());
        act.Should().Throw<InvariantBrokenException>();
        FuzzTargets.All["self-test"]("FUZ"u8.ToArray());
    }
}
