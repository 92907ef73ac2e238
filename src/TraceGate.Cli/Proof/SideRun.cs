using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using TraceGate.Cli.Hosts;
using TraceGate.Cli.Inputs;
using TraceGate.Cli.Publishers;
using TraceGate.Cli.Receiver;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli.Proof;

/// <summary>
/// Runs the user's command for one side of the proof (baseline or head) with an in-process OTLP/HTTP receiver, and
/// writes one run's files into the side's directory: the results file the command wrote at {results} and the traces
/// (the receiver's framing), named by <see cref="ProofDirectory.ResultsName"/> and <see cref="ProofDirectory.TracesName"/>
/// so that the runs of <c>--repeat</c> never overwrite each other. <see cref="WriteRecord"/> writes the side's run.json.
/// </summary>
public static class SideRun
{
    public sealed record Outcome(int Run, int? ExitCode, bool TimedOut, long Spans, TimeSpan Duration, bool HasResults, DateTimeOffset Started)
    {
        public IReadOnlyList<string> Command { get; init; } = [];
    }

    /// <summary>Runs the command once for one side; <paramref name="run"/> of <paramref name="repeat"/> names its files.</summary>
    public static Outcome Run(RunContext ctx, string side, int run, int repeat, string workingDir, string sideDir,
        IReadOnlyList<string> command, TimeSpan timeLimit, CancellationToken interrupted)
    {
        Directory.CreateDirectory(sideDir);
        string tracesPath = Path.Combine(sideDir, ProofDirectory.TracesName(run, repeat));
        string resultsPath = Path.Combine(sideDir, ProofDirectory.ResultsName(run, repeat));
        string label = repeat == 1 ? side : $"{side} run {run}/{repeat}";
        var started = DateTimeOffset.UtcNow;
        var server = ReceiveServer.StartAsync(new ReceiveOptions(IPAddress.Loopback, 0, tracesPath, Proto: true)).GetAwaiter().GetResult();
        string endpoint = server.Url.GetLeftPart(UriPartial.Authority);
        var watch = Stopwatch.StartNew();
        int? exitCode = null;
        bool timedOut = false;
        try
        {
            var psi = new ProcessStartInfo(command[0])
            {
                WorkingDirectory = workingDir,
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
            };
            foreach (var arg in command.Skip(1))
            {
                psi.ArgumentList.Add(arg);
            }

            // The run's environment over the process's (they are the same outside tests), then the exporter's.
            foreach (var (key, value) in ctx.Environment)
            {
                psi.Environment[key] = value;
            }

            psi.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
            psi.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            // The signal-specific variables win over the general ones in every SDK: a user's setting would divert the spans.
            psi.Environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = endpoint + "/v1/traces";
            psi.Environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf";
            psi.Environment["OTEL_TRACES_EXPORTER"] = "otlp";
            psi.Environment["TRACEGATE_PROOF_SIDE"] = side;
            psi.Environment["TRACEGATE_PROOF_RUN"] = run.ToString(CultureInfo.InvariantCulture);

            ctx.Out.WriteLine($"tracegate: {label}: running {Untrusted.Line(string.Join(' ', command), 1000)} in {Untrusted.Line(workingDir, 1000)} (traces to {endpoint})");
            ctx.Out.Flush();
            Process process;
            try
            {
                process = Process.Start(psi) ?? throw new UserInputException($"{command[0]}: cannot start the command");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new UserInputException($"the command '{Untrusted.Line(command[0])}' cannot be started on the {side} side: {e.Message} (is it installed and on PATH?)");
            }

            using (process)
            {
                process.StandardInput.Close();
                var gate = new Lock();
                void Echo(string? line)
                {
                    if (line is null)
                    {
                        return;
                    }

                    // Behind our prefix and escaped: the command's output is the PR's code talking.
                    lock (gate)
                    {
                        ctx.Out.WriteLine($"[{side}] {Untrusted.Line(line, 4000)}");
                    }
                }

                process.OutputDataReceived += (_, e) => Echo(e.Data);
                process.ErrorDataReceived += (_, e) => Echo(e.Data);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(interrupted);
                limit.CancelAfter(timeLimit);
                try
                {
                    process.WaitForExitAsync(limit.Token).GetAwaiter().GetResult();
                    // The asynchronous readers finish once both pipes close.
                    process.WaitForExit();
                    exitCode = process.ExitCode;
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                    if (interrupted.IsCancellationRequested)
                    {
                        throw;
                    }

                    timedOut = true;
                    ctx.Error.WriteLine($"tracegate: {label}: the command took longer than the time limit ({Format(timeLimit)}) and was stopped");
                }
            }
        }
        finally
        {
            watch.Stop();
            // Stopping finishes in-flight exports and flushes the file.
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        bool hasResults = File.Exists(resultsPath);
        ctx.Out.WriteLine($"tracegate: {label}: exit code {(exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (stopped)")}, "
            + $"{watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s, {server.Spans} spans"
            + (hasResults ? "" : $"; no results file at {resultsPath}: give the runner {{results}} as its JUnit XML or TRX output"));
        return new Outcome(run, exitCode, timedOut, server.Spans, watch.Elapsed, hasResults, started) { Command = command };
    }

    /// <summary>
    /// Writes the side's run.json: the first run's command, the commit, and over all runs the first non-zero exit
    /// code (else 0), whether any run timed out, the total duration and the pooled span count; then
    /// <c>repeat</c> and, per run in the order they ran, its own outcome and file names.
    /// </summary>
    public static void WriteRecord(string sideDir, string side, string commit, IReadOnlyList<Outcome> runs)
    {
        int repeat = runs.Count;
        var exitCode = runs.All(r => r.ExitCode is not null) ? runs.Select(r => r.ExitCode!.Value).FirstOrDefault(c => c != 0) : (int?)null;
        File.WriteAllText(Path.Combine(sideDir, ProofDirectory.RunFile), JsonText.Object(w =>
        {
            w.WriteString("side", side);
            w.WriteStartArray("command");
            foreach (var arg in runs[0].Command)
            {
                w.WriteStringValue(arg);
            }

            w.WriteEndArray();
            w.WriteString("commit", commit);
            WriteExit(w, exitCode);
            w.WriteBoolean("timedOut", runs.Any(r => r.TimedOut));
            w.WriteNumber("durationMs", runs.Sum(r => (long)r.Duration.TotalMilliseconds));
            w.WriteNumber("spans", runs.Sum(r => r.Spans));
            if (repeat == 1)
            {
                if (runs[0].HasResults)
                {
                    w.WriteString("results", ProofDirectory.ResultsFile);
                }
                else
                {
                    w.WriteNull("results");
                }
            }

            w.WriteNumber("repeat", repeat);
            w.WriteStartArray("runs");
            foreach (var r in runs)
            {
                w.WriteStartObject();
                w.WriteNumber("run", r.Run);
                w.WriteString("startedAt", r.Started.ToString("O", CultureInfo.InvariantCulture));
                WriteExit(w, r.ExitCode);
                w.WriteBoolean("timedOut", r.TimedOut);
                w.WriteNumber("durationMs", (long)r.Duration.TotalMilliseconds);
                w.WriteNumber("spans", r.Spans);
                w.WriteString("traces", ProofDirectory.TracesName(r.Run, repeat));
                if (r.HasResults)
                {
                    w.WriteString("results", ProofDirectory.ResultsName(r.Run, repeat));
                }
                else
                {
                    w.WriteNull("results");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }, indented: true) + "\n");
    }

    private static void WriteExit(System.Text.Json.Utf8JsonWriter w, int? code)
    {
        if (code is { } c)
        {
            w.WriteNumber("exitCode", c);
        }
        else
        {
            w.WriteNull("exitCode");
        }
    }

    public static string Format(TimeSpan t) => t.TotalMinutes >= 1 && t.Seconds == 0
        ? t.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + "m"
        : t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s";
}
