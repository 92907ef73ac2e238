using System.Text.Json;
using FluentAssertions;
using TraceGate.Core.Evidence;
using TraceGate.Core.Gates;
using TraceGate.Core.Policy;
using TraceGate.Core.TestResults;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.TestResults;

/// <summary>
/// The real corpus: test reports that other projects' runners wrote (Fixtures/real, sources and licences in its
/// manifest.json and SOURCES.md). Every probe is a repro reference as its ecosystem writes it, with the outcome a
/// user expects; each goes through the real reader, matcher and repro verdict.
/// </summary>
public sealed class RealCorpusTests
{
    private static readonly string Dir = Repo.Fixture("TestResults/Fixtures/real");

    private static readonly JsonElement[] Entries = LoadManifest();

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var e in Entries)
        {
            data.Add(e.GetProperty("file").GetString()!);
        }

        return data;
    }

    [Fact]
    public void Manifest_CoversEveryReportWithItsSourceAndLicence()
    {
        var listed = Entries.Select(e => e.GetProperty("file").GetString()!).ToList();
        var onDisk = Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".xml", StringComparison.Ordinal) || f.EndsWith(".trx", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Dir, f).Replace('\\', '/')).ToList();
        listed.Should().BeEquivalentTo(onDisk, "every report in the corpus is listed in manifest.json, and nothing else");
        listed.Should().OnlyHaveUniqueItems();
        foreach (var e in Entries)
        {
            var source = e.GetProperty("source");
            source.GetProperty("repo").GetString().Should().NotBeNullOrEmpty();
            source.GetProperty("path").GetString().Should().NotBeNullOrEmpty();
            source.GetProperty("licence").GetString().Should().NotBeNullOrEmpty();
            (e.TryGetProperty("probes", out var p) && p.GetArrayLength() > 0 || e.TryGetProperty("error", out _))
                .Should().BeTrue($"{e.GetProperty("file")} states what a user expects of it");
        }

        // The issue's measure: at least 60 reports from at least 15 producers, from public repositories.
        var fromPublic = Entries.Where(e => e.GetProperty("source").GetProperty("commit").GetString() is { Length: 40 }).ToList();
        fromPublic.Count.Should().BeGreaterThanOrEqualTo(60);
        fromPublic.Select(e => e.GetProperty("producer").GetString()).Distinct().Count().Should().BeGreaterThanOrEqualTo(15);
    }

    [Fact]
    public void Manifest_ProbesEveryOutcome()
    {
        var outcomes = Entries.Where(e => e.TryGetProperty("probes", out _))
            .SelectMany(e => e.GetProperty("probes").EnumerateArray().Select(p => p.GetProperty("outcome").GetString())).Distinct();
        outcomes.Should().BeEquivalentTo(["passed", "failed", "errored", "skipped", "not-run", "passed-on-retry"]);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Corpus_EveryProbe_IsFoundWithTheOutcomeAUserExpects(string file)
    {
        var entry = Entries.Single(e => e.GetProperty("file").GetString() == file);
        var read = Read(file);
        if (entry.TryGetProperty("error", out var error))
        {
            read.Error.Should().NotBeNull();
            read.Error!.Path.Should().Be(file);
            read.Error.Line.Should().Be(error.GetProperty("line").GetInt32());
            return;
        }

        read.Error.Should().BeNull();
        foreach (var probe in entry.GetProperty("probes").EnumerateArray())
        {
            string reference = probe.GetProperty("ref").GetString()!;
            var testRef = TestRef.Parse(reference, out var problem);
            testRef.Should().NotBeNull($"'{reference}' parses ({problem})");
            var matches = TestMatcher.FindForRepro(testRef!, read.Cases);
            matches.Should().HaveCount(probe.GetProperty("matches").GetInt32(), $"'{reference}' in {file} matches that many cases");
            var verdict = ReproVerdict.Of("evidence.repro.run", testRef!, matches, FlakyMode.Fail);
            verdict.Repro!.Outcome.Should().Be(probe.GetProperty("outcome").GetString(), $"'{reference}' in {file}: {verdict.Message}");
            verdict.Outcome.Should().Be(verdict.Repro.Outcome == "passed" ? Core.Model.Outcome.Pass : Core.Model.Outcome.Fail);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void TestsList_EveryCaseOfEveryReport_GetsAReferenceThatFindsIt(string file)
    {
        var read = Read(file);
        foreach (var c in read.Cases)
        {
            string reference = TestReferences.For(c);
            if (c.Name.Trim().Length == 0)
            {
                // A case without a name (jest's untitled test) cannot be named by a repro; the list shows its suite.
                reference.Should().Be(c.SuiteName ?? "");
                continue;
            }

            var testRef = TestRef.Parse(reference, out var problem);
            testRef.Should().NotBeNull($"the listed reference '{reference}' of {file}:{c.Line} parses ({problem})");
            TestMatcher.Find(testRef!, read.Cases).Should().Contain(c, $"the listed reference '{reference}' finds {file}:{c.Line}");
        }
    }

    private static TestResultsReadResult Read(string file)
    {
        using var s = File.OpenRead(Path.Combine(Dir, file));
        return TestResultsReader.Read(file, s);
    }

    private static JsonElement[] LoadManifest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "manifest.json")));
        return doc.RootElement.GetProperty("files").EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
