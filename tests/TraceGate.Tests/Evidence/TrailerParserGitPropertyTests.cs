using System.Text;
using FluentAssertions;
using TraceGate.Core.Evidence;
using TraceGate.Tests.TestInfrastructure;

namespace TraceGate.Tests.Evidence;

/// <summary>
/// The trailer parser agrees with the real <c>git interpret-trailers --parse</c> on thousands of generated
/// messages. The generator mixes every construct git's rules care about; a failure prints the seed and message.
/// </summary>
public sealed class TrailerParserGitPropertyTests
{
    private const int Messages = 4000;

    private static readonly string[] Keys = ["INC", "TRACE", "INVARIANT", "REPRO", "ROLLBACK", "Co-authored-by", "Fixes", "x1", "A-B-C", "Reviewed-by", "Key9"];
    private static readonly string[] Values = ["INC-2471", "3f6b2a9c1e4d4b7f8a2c5e6d7f8091a2", "tests/t.py::test_fee", "revert abc123", "", "  padded  ", "a: b: c", "trailing space ", "ünïcödé", "tab\tinside"];
    private static readonly string[] Prose = ["Some prose.", "Fix the fee guard", "see https://example.invalid/x", "a line, with: a colon later on", "(parenthesised)", "-- dashes", "Conflicts:", "---not a divider", "- bullet: item"];

    [Fact]
    public void Parse_AgreesWithGitInterpretTrailers_OnGeneratedMessages()
    {
        const int seed = 20261125;
        var random = new Random(seed);
        var messages = Enumerable.Range(0, Messages).Select(_ => Generate(random)).ToList();

        using var dir = new TempDir();
        var files = new List<string>();
        for (int i = 0; i < messages.Count; i++)
        {
            var f = dir.File($"m{i:D5}.txt");
            File.WriteAllText(f, messages[i], new UTF8Encoding(false));
            files.Add(f);
        }

        // One git process per chunk of files: --in-place replaces each file with what --parse prints for it.
        foreach (var chunk in files.Chunk(500))
        {
            Git.Run(dir.Path, new[] { "interpret-trailers", "--parse", "--in-place" }.Concat(chunk).ToArray());
        }

        int mismatches = 0, withTrailers = 0, folded = 0;
        var report = new StringBuilder();
        for (int i = 0; i < messages.Count; i++)
        {
            var expected = File.ReadAllText(files[i], Encoding.UTF8);
            withTrailers += expected.Length > 0 ? 1 : 0;
            folded += expected.Contains("continued", StringComparison.Ordinal) ? 1 : 0;
            var parsed = TrailerParser.Parse(messages[i]);
            var actual = string.Concat(parsed.Trailers.Select(t => $"{t.Key}: {t.Value}\n"));
            // Line numbers are counted, not taken from git: every reported line must be the line that holds the key.
            var lines = messages[i].Split('\n');
            var misplaced = parsed.Trailers.Select(t => (t.Key, t.Line)).Concat(parsed.Ignored.Select(t => (t.Key, t.Line)))
                .Where(t => t.Line < 1 || t.Line > lines.Length || !lines[t.Line - 1].StartsWith(t.Key, StringComparison.Ordinal)).ToList();
            if (misplaced.Count > 0 && ++mismatches <= 3)
            {
                report.Append($"--- seed {seed}, message {i}: line numbers {string.Join(", ", misplaced)} do not hold their keys:\n{Visible(messages[i])}\n");
            }

            if (expected != actual)
            {
                if (++mismatches <= 3)
                {
                    report.Append($"--- seed {seed}, message {i}:\n{Visible(messages[i])}\n--- git:\n{expected}--- ours:\n{actual}\n");
                }
            }
        }

        mismatches.Should().Be(0, report.ToString());

        // The generator must exercise both outcomes and folding, or agreement would prove little.
        withTrailers.Should().BeGreaterThan(Messages / 5);
        (Messages - withTrailers).Should().BeGreaterThan(Messages / 5);
        folded.Should().BeGreaterThan(50);
    }

    private static string Visible(string s) => s.Replace("\t", "\\t").Replace("\r", "\\r").Replace(" \n", "·\n");

    private static string Generate(Random r)
    {
        var sb = new StringBuilder();
        string nl = r.Next(10) == 0 ? "\r\n" : "\n";
        if (r.Next(12) != 0)
        {
            sb.Append(Pick(r, Prose)).Append(nl);
        }

        int paragraphs = r.Next(0, 4);
        for (int p = 0; p < paragraphs; p++)
        {
            sb.Append(r.Next(8) == 0 ? " " : "").Append(nl);
            int lines = r.Next(1, 6);
            bool trailerish = r.Next(3) != 0;
            for (int l = 0; l < lines; l++)
            {
                sb.Append(Line(r, trailerish)).Append(nl);
            }
        }

        if (r.Next(6) == 0)
        {
            sb.Append(r.Next(2) == 0 ? "# comment at the end" : "").Append(nl);
        }

        if (r.Next(15) == 0)
        {
            sb.Append("---").Append(nl).Append("INC: after-divider").Append(nl);
        }

        var text = sb.ToString();
        return r.Next(8) == 0 ? text.TrimEnd('\n') : text;
    }

    private static string Line(Random r, bool trailerish)
    {
        int k = r.Next(trailerish ? 20 : 10);
        return k switch
        {
            0 => Pick(r, Prose),
            1 => "  continued " + Pick(r, Values),
            2 => "\t" + Pick(r, Values),
            3 => "# a comment: " + Pick(r, Values),
            4 => "Signed-off-by: Dana Lee <dana@example.invalid>",
            5 => "(cherry picked from commit 0123456789abcdef)",
            6 => Pick(r, Keys) + " : " + Pick(r, Values),
            7 => "http://example.invalid/" + Pick(r, Keys),
            8 => ":" + Pick(r, Values),
            9 => "  ",
            10 => Pick(r, Keys) + " x: " + Pick(r, Values),
            11 => Pick(r, Keys) + "\t:" + Pick(r, Values),
            12 => "Bad_Key: " + Pick(r, Values),
            _ => Pick(r, Keys) + ":" + (r.Next(3) == 0 ? "" : " ") + Pick(r, Values),
        };
    }

    private static string Pick(Random r, string[] items) => items[r.Next(items.Length)];
}
