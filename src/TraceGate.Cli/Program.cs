using TraceGate.Cli;
using TraceGate.Cli.Hosts;

return CliApp.Run(args, RunContext.FromProcess());
