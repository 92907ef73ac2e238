using System.Text.Json;
using FluentAssertions;
using TraceGate.Core.Policy;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Evidence;

/// <summary>
/// Issue 18: real PR templates from public repositories (Fixtures/real/templates/manifest.json names each one's
/// repository, path, commit and licence). Each is installed in a checkout where GitHub or Azure Repos would find it,
/// <c>tracegate init --evidence</c> drafts the policy from it, and <c>tracegate check</c> runs on the template as it is
/// (every field fails, as the manifest lists) and on a copy filled in the template's own style (every field found).
/// </summary>
public sealed class RealTemplateCorpusTests
{
    private const string Dir = "Evidence/Fixtures/real/templates";

    private static readonly JsonElement[] Templates = LoadManifest();

    private static JsonElement[] LoadManifest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Repo.Fixture($"{Dir}/manifest.json")));
        return doc.RootElement.GetProperty("templates").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public static TheoryData<string> All() => new(Templates.Select(t => t.GetProperty("id").GetString()!));

    public static TheoryData<string> Filled() => new(Templates.Where(t => t.TryGetProperty("filled", out _)).Select(t => t.GetProperty("id").GetString()!));

    private static JsonElement Entry(string id) => Templates.Single(t => t.GetProperty("id").GetString() == id);

    [Fact]
    public void Manifest_HoldsTenRealTemplatesFiveFilledEachWithSourceAndLicenceAndNoUnusedFile()
    {
        Templates.Should().HaveCountGreaterThanOrEqualTo(10);
        Templates.Count(t => t.TryGetProperty("filled", out _)).Should().BeGreaterThanOrEqualTo(5);
        foreach (var t in Templates)
        {
            foreach (var key in new[] { "repo", "path", "licence", "installAs", "why" })
            {
                t.GetProperty(key).GetString().Should().NotBeNullOrWhiteSpace($"{t.GetProperty("id")} needs its {key}");
            }

            t.GetProperty("commit").GetString().Should().MatchRegex("^[0-9a-f]{40}$");
        }

        var listed = Templates.SelectMany(t =>
        {
            string id = t.GetProperty("id").GetString()!;
            return t.TryGetProperty("filled", out _) ? new[] { $"{id}/template.md", $"{id}/filled.md" } : [$"{id}/template.md"];
        }).Append("manifest.json");
        var root = Repo.Fixture(Dir);
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Should().BeEquivalentTo(listed, "every fixture is in the manifest, and every manifest entry has its files");
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Unfilled_FailsEveryFieldTheDraftedPolicyNames(string id)
    {
        var t = Entry(id);
        using var ws = Checkout(t);
        ws.Write("pr.md", File.ReadAllText(Repo.Fixture($"{Dir}/{id}/template.md")));
        var (exit, report) = Check(ws);
        exit.Should().Be(t.GetProperty("unfilled").GetProperty("exit").GetInt32());
        var expected = t.GetProperty("unfilled").GetProperty("fail").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var failed = report.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("outcome").GetString() == "fail")
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("message").GetString()!);
        failed.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (check, says) in expected)
        {
            failed[check].Should().Contain(says, $"{id}: {check}");
        }

        // Every required field the draft names fails: the unfilled template is never evidence.
        var drafted = DraftedFields(ws);
        failed.Keys.Should().Contain(drafted.Where(f => f.Required).Select(f => "evidence." + f.Name));
    }

    [Theory]
    [MemberData(nameof(Filled))]
    public void Filled_PassesWithEveryDraftedFieldFoundWithItsValue(string id)
    {
        var t = Entry(id);
        using var ws = Checkout(t);
        ws.Write("pr.md", File.ReadAllText(Repo.Fixture($"{Dir}/{id}/filled.md")));
        var (exit, report) = Check(ws);
        exit.Should().Be(0, string.Join("\n", report.GetProperty("checks").EnumerateArray().Select(c => c.ToString())));
        var values = report.GetProperty("evidence").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetString());
        var expected = t.GetProperty("filled").GetProperty("values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        values.Should().BeEquivalentTo(expected);
        values.Keys.Should().BeEquivalentTo(DraftedFields(ws).Select(f => f.Name), "every field of the template is found in the filled copy");
    }

    private static TempDir Checkout(JsonElement t)
    {
        var ws = new TempDir();
        ws.Write(t.GetProperty("installAs").GetString()!, File.ReadAllText(Repo.Fixture($"{Dir}/{t.GetProperty("id").GetString()}/template.md")));
        var init = CliHarness.Run(ws.Path, "init", "--evidence");
        init.ExitCode.Should().Be(0, init.Error);
        init.Out.Should().Contain("evidence fields drafted from " + t.GetProperty("installAs").GetString());
        return ws;
    }

    private static (int Exit, JsonElement Report) Check(TempDir ws)
    {
        var r = CliHarness.Run(ws.Path, "check", "--pr-body", "pr.md", "--report-json", "report.json");
        r.Error.Should().BeEmpty();
        using var doc = JsonDocument.Parse(File.ReadAllText(ws.File("report.json")));
        return (r.ExitCode, doc.RootElement.Clone());
    }

    private static IReadOnlyList<FieldPolicy> DraftedFields(TempDir ws) =>
        PolicyLoader.Load(".tracegate.yml", File.ReadAllText(ws.File(".tracegate.yml"))).Policy!.Evidence.Fields;
}
