using System.IO.Compression;
using System.Text.RegularExpressions;
using FluentAssertions;
using Google.Protobuf;
using TraceGate.Core.Otlp.Proto;
using TraceGate.Tests.TestInfrastructure;
using YamlDotNet.RepresentationModel;

namespace TraceGate.Tests.Hostile;

/// <summary>
/// Runs every case of the hostile-input corpus (<c>Hostile/Fixtures/cases.yml</c>) through the whole CLI and holds
/// it to its stated outcome and to the promises for untrusted text.
/// </summary>
public sealed partial class HostileCorpusTests
{
    private const string Token = "ghp_HOSTILECORPUSTOKEN0123456789abcdef";
    private static readonly string FixtureDir = Repo.Fixture("Hostile/Fixtures");

    public sealed record HostileCase(string Name, string Why, IReadOnlyDictionary<string, string> Files, string? Generate,
        IReadOnlyList<string> Args, int Exit, IReadOnlyList<string> Expect, string? Host = null)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<string> CaseNames() => new(Cases().Select(c => c.Name));

    private static List<HostileCase> Cases()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(FixtureDir, "cases.yml")))
        {
            yaml.Load(reader);
        }

        static string S(YamlMappingNode m, string key) => m.Children.TryGetValue(key, out var v) ? ((YamlScalarNode)v).Value ?? "" : "";
        static List<string> L(YamlMappingNode m, string key) =>
            m.Children.TryGetValue(key, out var v) ? ((YamlSequenceNode)v).Children.Select(n => ((YamlScalarNode)n).Value ?? "").ToList() : [];

        return ((YamlSequenceNode)yaml.Documents[0].RootNode).Children.Cast<YamlMappingNode>().Select(m => new HostileCase(
            S(m, "case"),
            S(m, "why"),
            m.Children.TryGetValue("files", out var f)
                ? ((YamlMappingNode)f).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!)
                : new Dictionary<string, string>(),
            S(m, "generate") is { Length: > 0 } g ? g : null,
            L(m, "args"),
            int.Parse(S(m, "exit"), System.Globalization.CultureInfo.InvariantCulture),
            L(m, "expect"),
            S(m, "host") is { Length: > 0 } h ? h : null)).ToList();
    }

    [Fact]
    public void Corpus_EveryFixtureFileIsUsedByACase()
    {
        var used = Cases().SelectMany(c => c.Files.Values).ToHashSet();
        var onDisk = Directory.GetFiles(FixtureDir).Select(Path.GetFileName).Where(n => n != "cases.yml");
        onDisk.Should().OnlyContain(n => used.Contains(n!), "a corpus file no case runs proves nothing");
        Cases().Select(c => c.Name).Should().OnlyHaveUniqueItems();
        Cases().Where(c => c.Generate is not null).Should().OnlyContain(c => Generators.ContainsKey(c.Generate!));
        Cases().Where(c => c.Host is not null).Should().OnlyContain(c => c.Host == "github-publish");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Case_EndsAsStatedAndStaysInert(string name)
    {
        var c = Cases().Single(x => x.Name == name);
        using var ws = new TempDir();
        foreach (var (target, source) in c.Files)
        {
            var path = ws.File(target);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(Path.Combine(FixtureDir, source), path);
        }

        if (c.Generate is { } generate)
        {
            Generators[generate](ws);
        }

        var api = new FakeGitHub();
        var r = c.Host == "github-publish"
            ? RunPublishJob(ws, api)
            : CliHarness.Run(ws.Path, new Dictionary<string, string?> { ["GITHUB_TOKEN"] = Token, ["TRACEGATE_TOKEN"] = Token },
                ["check", .. c.Args, "--summary-md", "out/summary.md", "--report-json", "out/report.json"]);

        string all = r.Out + r.Error;
        r.ExitCode.Should().Be(c.Exit, $"{c.Name} ({c.Why}):\n{all}");
        foreach (var text in c.Expect)
        {
            all.Should().Contain(text, c.Why);
        }

        var outputs = new List<(string What, string Text)> { ("stdout", r.Out), ("stderr", r.Error) };
        foreach (var report in new[] { "out/summary.md", "out/report.json" })
        {
            if (File.Exists(ws.File(report)))
            {
                outputs.Add((report, File.ReadAllText(ws.File(report))));
            }
        }

        if (c.Exit != 2)
        {
            outputs.Select(o => o.What).Should().Contain(["out/summary.md", "out/report.json"], "the verdict is always written");
        }

        // What the publish job posted: the check run's summary and annotations, a comment.
        outputs.AddRange(api.Posted());

        foreach (var (what, text) in outputs)
        {
            // The Action's own annotations and warnings are the only workflow commands, each whole on its line.
            Inert(what, text, ownAnnotations: c.Host is not null && what == "stdout");
        }
    }

    private static void Inert(string what, string text, bool ownAnnotations = false)
    {
        foreach (var line in text.Split('\n'))
        {
            if (ownAnnotations && line.StartsWith("::", StringComparison.Ordinal))
            {
                line.Should().MatchRegex(@"^::(error|warning) (file=[^,:\r]*,line=\d+,)?title=TraceGate( [a-z0-9._-]+)?::[^\r]*$", "only TraceGate's own annotation, its data escaped");
                continue;
            }

            line.TrimStart().Should().NotStartWith("::", $"{what} must not start a workflow command");
            line.Should().NotContainEquivalentOf("##vso[", $"{what} must not hold an Azure logging command").And.NotContain("##[");
        }

        text.Should().NotContain(Token, $"{what} must not hold the token");
        text.Should().NotContain("root:x:0:0", $"{what} must not show a file from outside the checkout");
        text.Should().NotContainAny(["\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a", "\u202b", "\u202c", "\u202d"]);
        if (what.EndsWith(".md", StringComparison.Ordinal))
        {
            var outsideCode = CodeSpan().Replace(text, "");
            RawHtml().IsMatch(outsideCode).Should().BeFalse($"{what} must not hold raw HTML:\n{outsideCode}");
            PingingMention().IsMatch(outsideCode).Should().BeFalse($"{what} must not ping anyone:\n{outsideCode}");
            outsideCode.Should().NotContain("](javascript");
        }
    }

    /// <summary>The fork flow's privileged publish job: <c>mode: publish</c> on a real workflow_run payload for the
    /// artifact's commit, from a fork (its head repository is another owner's), with a write token.</summary>
    private static CliResult RunPublishJob(TempDir ws, FakeGitHub api)
    {
        var meta = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ws.File("tracegate-artifact/event.json")))!;
        var workflowRun = Webhooks.Example("workflow_run", "completed");
        workflowRun["workflow_run"]!["head_sha"] = meta["head_sha"]!.GetValue<string>();
        workflowRun["workflow_run"]!["head_branch"] = "fix-fee";
        workflowRun["workflow_run"]!["head_repository"]!["owner"]!["login"] = "forker";
        Directory.CreateDirectory(ws.File("out"));
        var eventPath = ws.Write("runner/event.json", workflowRun.ToJsonString());
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_EVENT_NAME"] = "workflow_run",
            ["GITHUB_EVENT_PATH"] = eventPath,
            ["GITHUB_REPOSITORY"] = "acme/payments",
            ["GITHUB_WORKSPACE"] = ws.Path,
            ["GITHUB_API_URL"] = "http://api.github.test",
            ["GITHUB_STEP_SUMMARY"] = ws.File("out/summary.md"),
            ["GITHUB_OUTPUT"] = ws.File("runner/output.txt"),
            ["INPUT_TOKEN"] = Token,
            ["INPUT_MODE"] = "publish",
            ["INPUT_CHECK-NAME"] = "TraceGate",
            ["INPUT_FAIL-ON"] = "failure",
            ["INPUT_COMMENT"] = "true",
        };
        var r = CliHarness.RunWithHttp(ws.Path, env, api, new TraceGate.Cli.Publishers.RetryPolicy { Sleep = (_, _) => Task.CompletedTask }, "check");
        if (File.Exists(ws.File(".tracegate/report.json")))
        {
            File.Copy(ws.File(".tracegate/report.json"), ws.File("out/report.json"));
        }

        return r;
    }

    /// <summary>Just enough of GitHub for the publish job to post (no check run yet, no open PR from the fork):
    /// the request bodies are what this corpus checks. The prism-backed tests prove the requests match GitHub's API.</summary>
    private sealed class FakeGitHub : HttpMessageHandler
    {
        public List<(string Method, string Path, string Body)> Bodies { get; } = [];

        /// <summary>Each request body as sent, and the Markdown in it (the check run's summary, a comment) on its own.</summary>
        public IEnumerable<(string What, string Text)> Posted()
        {
            foreach (var (method, path, body) in Bodies)
            {
                yield return ($"{method} {path}", body);
                var json = System.Text.Json.Nodes.JsonNode.Parse(body)!;
                if (json["output"]?["summary"]?.GetValue<string>() is { } summary)
                {
                    yield return ($"{method} {path} summary.md", summary);
                }

                if (json["body"]?.GetValue<string>() is { } comment)
                {
                    yield return ($"{method} {path} comment.md", comment);
                }
            }
        }

        private int SentAnnotations() => Bodies.Where(b => b.Method == "PATCH")
            .Sum(b => System.Text.Json.Nodes.JsonNode.Parse(b.Body)!["output"]?["annotations"]?.AsArray().Count ?? 0);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string path = request.RequestUri!.AbsolutePath;
            if (request.Content is not null)
            {
                Bodies.Add((request.Method.Method, path, await request.Content.ReadAsStringAsync(cancellationToken)));
            }

            // A check run read back (before annotations are added, their count) holds as many as were sent.
            string json = request.Method == HttpMethod.Get
                ? path.EndsWith("/check-runs", StringComparison.Ordinal) ? "{\"total_count\":0,\"check_runs\":[]}"
                : path.EndsWith("/check-runs/1", StringComparison.Ordinal) ? $"{{\"id\":1,\"output\":{{\"annotations_count\":{SentAnnotations()}}}}}"
                : "[]"
                : "{\"id\":1}";
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        }
    }

    [GeneratedRegex("`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex("<[A-Za-z!/?]")]
    private static partial Regex RawHtml();

    [GeneratedRegex("@[A-Za-z0-9]")]
    private static partial Regex PingingMention();

    private static readonly Dictionary<string, Action<TempDir>> Generators = new()
    {
        ["symlink-out-of-checkout"] = ws =>
        {
            Directory.CreateDirectory(ws.File("tests"));
            File.CreateSymbolicLink(ws.File("tests/escape.py"), "/etc/passwd");
        },
        ["ten-megabyte-pr-body"] = ws => ws.Write("pr.md", "Incident: INC-1\n" + string.Concat(Enumerable.Repeat("Invariant: " + new string('x', 1000) + "\n", 10 * 1024))),
        ["deeply-nested-pr-body"] = ws => ws.Write("pr.md", string.Concat(Enumerable.Repeat("> ", 100_000)) + "Incident: INC-1\n"
            + string.Join("\n", Enumerable.Range(0, 3000).Select(i => new string(' ', i % 200) + "- x")) + "\n"
            + new string('[', 50_000) + "\n" + new string('*', 50_000) + new string('_', 50_000) + "\n"),
        ["nesting-bomb"] = ws => WriteTrace(ws, "traces/bomb.pb", NestingBomb(100_000)),
        ["lying-length"] = ws => WriteTrace(ws, "traces/lie.pb", [.. Otlp.Request(Otlp.Span("apply", 1)), 0x0a, 0xff, 0xff, 0xff, 0x1f, 0x12, 0x00]),
        ["gzip-bomb"] = ws => WriteTrace(ws, "traces/bomb.pb.gz", GzipBomb()),
        ["zstd-bomb"] = ws =>
        {
            using var zstd = new ZstdSharp.Compressor(3);
            WriteTrace(ws, "traces/bomb.pb.zst", zstd.Wrap(UnknownFieldMessages(300)).ToArray());
        },
        ["ten-million-spans"] = ws => TenMillionSpans(ws.File("traces/many.pb.gz")),
    };

    private static void WriteTrace(TempDir ws, string relative, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ws.File(relative))!);
        File.WriteAllBytes(ws.File(relative), bytes);
    }

    /// <summary>A span attribute whose value is an array in an array ... <paramref name="depth"/> deep, written
    /// as raw protobuf (Google.Protobuf would refuse to build it past its own recursion limit). The lengths are
    /// worked out inside out first, so the bytes are written once, outside in.</summary>
    private static byte[] NestingBomb(int depth)
    {
        byte[] innermost = [0x0a, 0x01, (byte)'x']; // AnyValue { string_value = "x" }
        var anyValue = new long[depth + 1];
        var arrayValue = new long[depth + 1];
        anyValue[0] = innermost.Length;
        for (int i = 1; i <= depth; i++)
        {
            arrayValue[i] = 1 + CodedOutputStream.ComputeLengthSize((int)anyValue[i - 1]) + anyValue[i - 1]; // ArrayValue { values = ... }
            anyValue[i] = 1 + CodedOutputStream.ComputeLengthSize((int)arrayValue[i]) + arrayValue[i];     // AnyValue { array_value = ... }
        }

        using var value = new MemoryStream((int)anyValue[depth]);
        var cos = new CodedOutputStream(value, leaveOpen: true);
        for (int i = depth; i >= 1; i--)
        {
            cos.WriteTag(5, WireFormat.WireType.LengthDelimited);
            cos.WriteLength((int)arrayValue[i]);
            cos.WriteTag(1, WireFormat.WireType.LengthDelimited);
            cos.WriteLength((int)anyValue[i - 1]);
        }

        cos.Flush();
        value.Write(innermost);

        var span = new Span { TraceId = ByteString.CopyFrom(Otlp.Trace1), SpanId = ByteString.CopyFrom(Otlp.Id(1)), Name = "apply" }.ToByteArray();
        byte[] attribute = [.. Field(1, "bomb"u8.ToArray()), .. Field(2, value.ToArray())];
        byte[] spanWithAttr = [.. span, .. Field(9, attribute)];
        return Field(1, Field(2, Field(2, spanWithAttr)));
    }

    private static byte[] Field(int number, byte[] payload)
    {
        using var ms = new MemoryStream(payload.Length + 8);
        var cos = new CodedOutputStream(ms);
        cos.WriteTag(number, WireFormat.WireType.LengthDelimited);
        cos.WriteLength(payload.Length);
        cos.Flush();
        ms.Write(payload);
        return ms.ToArray();
    }

    /// <summary>ResourceSpans messages of 60 MiB (under the 64 MiB message limit), each one unknown field of
    /// zeros: valid-looking OTLP that only the decompression ratio stops.</summary>
    private static byte[] UnknownFieldMessages(int mebibytes)
    {
        using var ms = new MemoryStream();
        for (int written = 0; written < mebibytes; written += 60)
        {
            ms.Write(ZeroFieldHeader());
            ms.Write(new byte[ZeroFieldBytes]);
        }

        return ms.ToArray();
    }

    private const int ZeroFieldBytes = 60 * 1024 * 1024;

    /// <summary>The head of a ResourceSpans (field 1) holding one unknown field 15 of <see cref="ZeroFieldBytes"/>.</summary>
    private static byte[] ZeroFieldHeader()
    {
        using var head = new MemoryStream();
        var cos = new CodedOutputStream(head, leaveOpen: true);
        cos.WriteTag(1, WireFormat.WireType.LengthDelimited);
        cos.WriteLength(ZeroFieldBytes + 1 + CodedOutputStream.ComputeLengthSize(ZeroFieldBytes));
        cos.WriteTag(15, WireFormat.WireType.LengthDelimited);
        cos.WriteLength(ZeroFieldBytes);
        cos.Flush();
        return head.ToArray();
    }

    /// <summary>gzip cannot beat about 1030:1, so the bomb is gzip members of 1 MiB of zeros at the best level, one
    /// compressed once and repeated (GZipStream reads concatenated members).</summary>
    private static byte[] GzipBomb()
    {
        static byte[] Member(byte[] data)
        {
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gz.Write(data);
            }

            return ms.ToArray();
        }

        var header = Member(ZeroFieldHeader());
        var zeros = Member(new byte[1024 * 1024]);
        using var bomb = new MemoryStream();
        for (int message = 0; message < 5; message++)
        {
            bomb.Write(header);
            for (int i = 0; i < 60; i++)
            {
                bomb.Write(zeros);
            }
        }

        return bomb.ToArray();
    }

    /// <summary>10,000,000 spans of one trace in 1,000 ResourceSpans, streamed into gzip (about 20 MB on disk).</summary>
    private static void TenMillionSpans(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        var scope = new ScopeSpans();
        for (int i = 0; i < 10_000; i++)
        {
            scope.Spans.Add(new Span { TraceId = ByteString.CopyFrom(Otlp.Trace1), SpanId = ByteString.CopyFrom(Otlp.Id((ulong)i + 1)), Name = "x", StartTimeUnixNano = 1, EndTimeUnixNano = 2 });
        }

        var resourceSpans = new ResourceSpans();
        resourceSpans.ScopeSpans.Add(scope);
        var message = Field(1, resourceSpans.ToByteArray());
        for (int i = 0; i < 1_000; i++)
        {
            gz.Write(message);
        }
    }
}
