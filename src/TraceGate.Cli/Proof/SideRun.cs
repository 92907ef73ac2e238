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
/// writes the side's directory: the results file the command wrote at {results}, traces.pb (the receiver's framing)
/// and run.json.
/// </summary>
public static class SideRun
{
    public sealed record Outcome(int? ExitCode, bool TimedOut, long Spans, TimeSpan Duration, bool HasResults);

    public static Outcome Run(RunContext ctx, string side, string commit, string workingDir, string sideDir,
        IReadOnlyList<string> command, TimeSpan timeLimit, CancellationToken interrupted)
    {
        Directory.CreateDirectory(sideDir);
        string tracesPath = Path.Combine(sideDir, ProofDirectory.TracesFile);
        string resultsPath = Path.Combine(sideDir, ProofDirectory.ResultsFile);
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

            ctx.Out.WriteLine($"tracegate: {side}: running {Untrusted.Line(string.Join(' ', command), 1000)} in {Untrusted.Line(workingDir, 1000)} (traces to {endpoint})");
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
                    ctx.Error.WriteLine($"tracegate: {side}: the command took longer than the time limit ({Format(timeLimit)}) and was stopped");
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
        var outcome = new Outcome(exitCode, timedOut, server.Spans, watch.Elapsed, hasResults);
        File.WriteAllText(Path.Combine(sideDir, ProofDirectory.RunFile), JsonText.Object(w =>
        {
            w.WriteString("side", side);
            w.WriteStartArray("command");
            foreach (var arg in command)
            {
                w.WriteStringValue(arg);
            }

            w.WriteEndArray();
            w.WriteString("commit", commit);
            if (exitCode is { } code)
            {
                w.WriteNumber("exitCode", code);
            }
            else
            {
                w.WriteNull("exitCode");
            }

            w.WriteBoolean("timedOut", timedOut);
            w.WriteNumber("durationMs", (long)watch.Elapsed.TotalMilliseconds);
            w.WriteNumber("spans", server.Spans);
            if (hasResults)
            {
                w.WriteString("results", ProofDirectory.ResultsFile);
            }
            else
            {
                w.WriteNull("results");
            }
        }, indented: true) + "\n");

        ctx.Out.WriteLine($"tracegate: {side}: exit code {(exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none (stopped)")}, "
            + $"{watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s, {server.Spans} spans"
            + (hasResults ? "" : $"; no results file at {resultsPath}: give the runner {{results}} as its JUnit XML or TRX output"));
        return outcome;
    }

    public static string Format(TimeSpan t) => t.TotalMinutes >= 1 && t.Seconds == 0
        ? t.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + "m"
        : t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s";
}
