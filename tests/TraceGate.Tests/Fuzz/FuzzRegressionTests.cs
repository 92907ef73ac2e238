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
        var files = new[]
        {
            Path.Combine(_seeds.Path, target),
            Path.Combine(Repo.Root, "fuzz", "corpus", target),
            Path.Combine(Repo.Root, "tests", "TraceGate.Tests", "Fuzz", "Fixtures", target),
        }.Where(Directory.Exists).SelectMany(Directory.GetFiles).ToList();

        files.Should().NotBeEmpty("every target has seeds");
        var failures = new List<string>();
        foreach (var file in files)
        {
            try
            {
                FuzzTargets.All[target](File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures.Add($"{Path.GetRelativePath(Repo.Root, file)}: {e.GetType().Name}: {e.Message}");
            }
        }

        failures.Should().BeEmpty();
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
