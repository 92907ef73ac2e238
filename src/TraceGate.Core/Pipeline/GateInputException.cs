namespace TraceGate.Core.Pipeline;

/// <summary>Input the user must fix, found while the pipeline read it (a test report that is not one, a trace file
/// that cannot be decoded, nothing to check at all). The message names the file and, where known, the line or byte
/// offset; the host reports it as a usage or input error (exit 2).</summary>
public sealed class GateInputException(string message) : Exception(message);
