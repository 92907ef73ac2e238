using System.CommandLine;
using TraceGate.Cli.Hosts;
using TraceGate.Cli.Settings;
using TraceGate.Core.Model;
using TraceGate.Core.Rendering;

namespace TraceGate.Cli;

/// <summary>The command line: <c>tracegate check</c> and <c>tracegate evidence</c>. Returns exit codes, never calls
/// Environment.Exit, so tests run it in-process.</summary>
public static class CliApp
{
    /// <param name="handlerFactory">The HTTP handler for API calls; tests pass a recording or fault-injecting one.</param>
    public static int Run(string[] args, RunContext ctx, Func<HttpMessageHandler>? handlerFactory = null, Publishers.RetryPolicy? retry = null)
    {
        var options = new CheckOptions();
        Option[] inputs = [.. options.Inputs];

        int exit = ExitCodes.Success;
        var check = new Command("check", "Run every gate on the PR description, the commits and the test artifacts; exit 0 (passed), 1 (a gate failed), 2 (bad input), 3 (publishing failed) or 4 (internal error).");
        foreach (var o in inputs.Concat(options.Outputs))
        {
            check.Add(o);
        }

        check.SetAction(parse =>
        {
            int typed = parse.Tokens.Count(t => t.Type == System.CommandLine.Parsing.TokenType.Option);
            var platform = Platforms.Detect(ctx.Environment, typed);
            exit = Guard(ctx, () => PlatformRunner.Run(Platforms.Create(platform, options.Bind(parse, ctx.Environment), handlerFactory, retry), ctx));
        });

        var evidence = new Command("evidence", "Print the evidence found in the PR description and commit trailers as JSON, for debugging a template.");
        foreach (var o in inputs)
        {
            evidence.Add(o);
        }

        evidence.SetAction(parse => exit = Guard(ctx, () => Evidence(ctx, options.Bind(parse, ctx.Environment))));

        var files = new Argument<string[]>("files") { Description = "OTLP trace files (protobuf or JSON, plain, gzip or zstd).", Arity = ArgumentArity.OneOrMore };
        var summarize = new Command("summarize", "Print, per span name: count, error count, p50/p95/max and the attributes seen. Useful when writing rules.") { files };
        summarize.SetAction(parse => exit = Guard(ctx, () =>
        {
            ctx.Out.Write(TraceTools.Summarize(ctx, parse.GetValue(files) ?? []) is var s ? SpanSummaryTable.Render(s) : "");
            return ExitCodes.Success;
        }));
        var tracesCommand = new Command("traces", "Tools for trace files.") { summarize };

        var initTraces = new Option<string[]>("--traces") { Description = "Trace files of a good run to draft the traces: rules from.", Arity = ArgumentArity.OneOrMore };
        var initEvidence = new Option<bool>("--evidence") { Description = "Draft the evidence: section from the checkout's PR template (or --pr-template FILE): its labels become aliases of the known fields, or new fields." };
        var initTemplate = new Option<string?>("--pr-template") { Description = "The PR template to draft from, relative to the workspace and inside it (default: the templates the checkout holds)." };
        var initWorkspace = new Option<string?>("--workspace") { Description = "The checkout whose PR template is read (default: the current directory)." };
        var initOut = new Option<string>("--out") { Description = "Where to write the draft (default: .tracegate.yml).", DefaultValueFactory = _ => ".tracegate.yml" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var init = new Command("init", "Draft a policy: from a good run (--traces: span names, attributes present on every span of a name, event order, and duration budgets from the measured p95 with a margin) and/or from the checkout's PR template (--evidence).")
        {
            initTraces, initEvidence, initTemplate, initWorkspace, initOut, force,
        };
        init.SetAction(parse => exit = Guard(ctx, () => TraceTools.Init(ctx, new TraceTools.InitRequest(
            parse.GetValue(initTraces) ?? [], parse.GetValue(initEvidence), parse.GetValue(initTemplate), parse.GetValue(initWorkspace),
            parse.GetValue(initOut)!, parse.GetValue(force)))));

        var listen = new Option<string>("--listen") { Description = "HOST:PORT or http://HOST:PORT to listen on, with an IP address or localhost (port 0 picks a free port; the ready line says which).", DefaultValueFactory = _ => "127.0.0.1:4318" };
        var outFile = new Option<string>("--out") { Description = "The trace file to write (records are appended).", DefaultValueFactory = _ => "artifacts/traces/traces.pb" };
        var format = new Option<string>("--format") { Description = "proto (length-prefixed OTLP protobuf records) or jsonl (OTLP JSON lines).", DefaultValueFactory = _ => "proto" };
        var pidFile = new Option<string?>("--pid-file") { Description = "Write the process id here once listening." };
        var maxBody = new Option<int>("--max-body-mib") { Description = "Largest request body accepted, in MiB (413 above).", DefaultValueFactory = _ => 16 };
        var maxConcurrent = new Option<int>("--max-concurrent") { Description = "Requests handled at once; more get 503 with Retry-After.", DefaultValueFactory = _ => 8 };
        var grpcListen = new Option<string?>("--grpc-listen") { Description = "Also receive OTLP/gRPC on HOST:PORT (HTTP/2 without TLS), e.g. 127.0.0.1:4317." };
        var waitIdle = new Option<string?>("--wait-idle") { Description = "Instead of receiving: wait until the receiver at --listen has had no request for this long (e.g. 2s)." };
        var waitTimeout = new Option<string>("--timeout") { Description = "With --wait-idle: give up after this long.", DefaultValueFactory = _ => "60s" };
        var receive = new Command("receive", "Receive OTLP/HTTP traces (POST /v1/traces, protobuf or JSON, gzip) from a test run and write them to a file for tracegate check. Prints 'ready URL' once listening; stops on SIGTERM or SIGINT.")
        {
            listen, outFile, format, pidFile, maxBody, maxConcurrent, grpcListen, waitIdle, waitTimeout,
        };
        receive.SetAction(parse => exit = Guard(ctx, () => parse.GetValue(waitIdle) is { } idle
            ? Receiver.ReceiveCommand.WaitIdle(ctx, parse.GetValue(listen)!, idle, parse.GetValue(waitTimeout)!)
            : parse.GetResult(waitTimeout) is { Implicit: false }
                ? throw new UserInputException("--timeout applies only with --wait-idle: the receiver itself runs until SIGTERM or SIGINT")
            : Receiver.ReceiveCommand.Run(ctx, parse.GetValue(listen)!, parse.GetValue(outFile)!, parse.GetValue(format)!, parse.GetValue(pidFile), parse.GetValue(maxBody), parse.GetValue(maxConcurrent), parse.GetValue(grpcListen))));

        var reports = new Argument<string[]>("reports") { Description = "Test reports or globs (JUnit XML, TRX, NUnit, xUnit.net); may be absolute or outside the workspace.", Arity = ArgumentArity.OneOrMore };
        var listJson = new Option<bool>("--json") { Description = "Print [{\"ref\", \"outcome\", \"file\", \"line\"}] instead of tab-separated lines." };
        var listWorkspace = new Option<string?>("--workspace") { Description = "The checkout that test file paths are made relative to (default: the current directory)." };
        var list = new Command("list", "Print every test case of the reports: REFERENCE<TAB>OUTCOME<TAB>FILE:LINE, where REFERENCE is what to write after 'Repro:'.") { reports, listJson, listWorkspace };
        list.SetAction(parse => exit = Guard(ctx, () => TestsList.Run(ctx, parse.GetValue(reports) ?? [], parse.GetValue(listWorkspace), parse.GetValue(listJson))));
        var testsCommand = new Command("tests", "Tools for test reports.") { list };

        var exportTraceId = new Option<string>("--trace-id") { Description = "The trace to fetch: 32 hex digits (16 for a 64-bit id).", Required = true };
        var exportFrom = new Option<string>("--from") { Description = "The backend: jaeger=URL (asks /api/v3/traces/ID, then /api/traces/ID) or tempo=URL (/api/traces/ID).", Required = true };
        var exportTokenEnv = new Option<string?>("--token-env") { Description = "The environment variable holding the backend's bearer token (never printed)." };
        var exportOut = new Option<string?>("--out") { Description = "Write the OTLP JSON here (default: standard output), e.g. incidents/INC-2471/trace.json." };
        var export = new Command("export", "Fetch one trace from Jaeger or Tempo and write it as OTLP JSON, to commit under incidents/ (traces in a backend expire; a committed file does not).")
        {
            exportTraceId, exportFrom, exportTokenEnv, exportOut,
        };
        export.SetAction(parse => exit = Guard(ctx, () => Incidents.IncidentExport.Run(ctx,
            new Incidents.IncidentExport.Request(parse.GetValue(exportTraceId)!, parse.GetValue(exportFrom)!, parse.GetValue(exportTokenEnv), parse.GetValue(exportOut)),
            handlerFactory, retry)));
        var incidentCommand = new Command("incident", "Tools for an incident's traces.") { export };


        var proveBase = new Option<string>("--base") { Description = "The base commit, branch or tag to run the repro on (before the fix), e.g. origin/main. Must be in the local clone.", Required = true };
        var proveRepro = new Option<string?>("--repro") { Description = "The repro test as path::name; default: the repro named in --pr-body, --commits or --git-range (BASE..HEAD when none is given)." };
        var proveTests = new Option<string[]>("--tests") { Description = "Glob of the head's test files (fixtures, helpers) to lay over the base besides the repro's file (repeatable); replaces proof.tests.", Arity = ArgumentArity.ZeroOrMore };
        var proveOut = new Option<string?>("--out") { Description = "Where to write baseline/ and head/ (default: .tracegate/proof in the workspace, where tracegate check finds it)." };
        var proveTimeout = new Option<string>("--timeout") { Description = "Time limit for each side's run.", DefaultValueFactory = _ => "10m" };
        var proveRepeat = new Option<string>("--repeat") { Description = "Runs of each side, interleaved (base, head, base, head …), from 1 to 20: the runs' traces pool into each side's sample for baseline budgets, and the repro must fail on every base run and pass on every head run.", DefaultValueFactory = _ => "1" };
        var proveCommand = new Argument<string[]>("command") { Description = "After --: the test command, run on each side. {repro}, {repro.file}, {repro.name} and {results} are replaced in each argument.", Arity = ArgumentArity.ZeroOrMore };
        var prove = new Command("prove", "Run the repro on the base commit (a git worktree with the head's test files laid over it) and on the head, capturing each side's test results and traces, for tracegate check's proof.repro. Exit 0 when both runs finished, 2 for usage and git errors.")
        {
            proveBase, options.Workspace, options.Policy, options.PrBody, options.Commits, options.GitRange, proveRepro, proveTests, proveOut, proveTimeout, proveRepeat, proveCommand,
        };
        prove.SetAction(parse => exit = Guard(ctx, () =>
        {
            var given = new Option[] { options.PrBody, options.Commits, options.GitRange }.Count(o => parse.GetResult(o) is not null) + (parse.GetResult(proveRepro) is null ? 0 : 1);
            if (parse.GetValue(proveRepro) is not null && given > 1)
            {
                throw new UserInputException("--repro names the repro itself: give it without --pr-body, --commits or --git-range");
            }

            return Proof.ProveCommand.Run(ctx, new Proof.ProveOptions(parse.GetValue(proveBase)!, parse.GetValue(proveCommand) ?? [])
            {
                Workspace = parse.GetValue(options.Workspace) ?? ".",
                Policy = parse.GetValue(options.Policy),
                PrBody = parse.GetValue(options.PrBody),
                Commits = parse.GetValue(options.Commits),
                GitRange = parse.GetValue(options.GitRange),
                Repro = parse.GetValue(proveRepro),
                Tests = parse.GetValue(proveTests) ?? [],
                Out = parse.GetValue(proveOut),
                Timeout = Receiver.ReceiveCommand.ParseDuration(parse.GetValue(proveTimeout)!, "--timeout"),
                Repeat = Proof.ProveCommand.ParseRepeat(parse.GetValue(proveRepeat)!),
            });
        }));

        var root = new RootCommand("TraceGate: proof, not stories. Checks that a bug-fix PR carries its evidence.") { check, evidence, tracesCommand, testsCommand, incidentCommand, init, receive, prove };
        // --version prints the version and the commit, to the run's own output (System.CommandLine's prints only the
        // informational version, to the console).
        root.Options.OfType<VersionOption>().Single().Action = new VersionAction(ctx);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                ctx.Error.WriteLine("tracegate: " + error.Message);
            }

            ctx.Error.WriteLine("Run 'tracegate --help' for usage.");
            return ExitCodes.BadInput;
        }

        int invoked = result.Invoke(new InvocationConfiguration { Output = ctx.Out, Error = ctx.Error, EnableDefaultExceptionHandler = false });
        return result.Action is null || invoked != 0 && exit == ExitCodes.Success ? invoked : exit;
    }

    private sealed class VersionAction(RunContext ctx) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            ctx.Out.WriteLine(ToolVersion.Line);
            return ExitCodes.Success;
        }
    }

    private static int Guard(RunContext ctx, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is UserInputException or Core.Pipeline.GateInputException)
        {
            foreach (var line in e.Message.Split('\n'))
            {
                ctx.Error.WriteLine("tracegate: error: " + Untrusted.Line(line, 2000));
            }

            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not the user's input: our bug, or an answer we did not expect. One line, never a stack trace, and never
            // "bad input" (exit 2), which would send the user looking for a mistake they did not make.
            ctx.Error.WriteLine(InternalErrorLine(e, ctx.Environment));
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The one line printed for an internal error: the exception's type and message and where it was thrown,
    /// with every token of the environment scrubbed.</summary>
    public static string InternalErrorLine(Exception e, IReadOnlyDictionary<string, string?> env)
    {
        string where = e.StackTrace?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } frame
            ? " (" + (frame.IndexOf(" in ", StringComparison.Ordinal) is > 0 and var cut ? frame[..cut] : frame) + ")"
            : "";
        string text = $"{e.GetType().Name}: {e.Message}{where}";
        foreach (var (name, value) in env)
        {
            if (name.Contains("TOKEN", StringComparison.OrdinalIgnoreCase) && value is { Length: >= 4 })
            {
                text = text.Replace(value, "***", StringComparison.Ordinal);
            }
        }

        return "tracegate: internal error: " + Untrusted.Line(text, 1000) + "; please report it with this output";
    }

    private static int Evidence(RunContext ctx, TraceGateSettings settings)
    {
        ctx.Out.Write(JsonReport.RenderEvidence(CheckRunner.Run(ctx, settings).Report));
        return ExitCodes.Success;
    }
}
