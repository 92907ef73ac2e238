namespace TraceGate.Cli;

/// <summary>The process exit codes, a public contract (README, required status checks).</summary>
public static class ExitCodes
{
    /// <summary>Every gate passed.</summary>
    public const int Success = 0;

    /// <summary>A gate failed: the PR lacks evidence or the traces break a rule.</summary>
    public const int GateFailed = 1;

    /// <summary>Usage error, a broken policy, or input that cannot be read. Nothing was judged.</summary>
    public const int BadInput = 2;

    /// <summary>The verdict was reached and written to the step summary and the JSON report, but publishing it
    /// (check run, PR status, comment) failed after retries.</summary>
    public const int PublishFailed = 3;

    /// <summary>A bug in TraceGate, or an answer of a shape it did not expect: not the user's input. The one-line
    /// message asks for a report; the verdict files are already written when the verdict was reached.</summary>
    public const int InternalError = 4;
}

/// <summary>Raised for input the user must fix; carries a message that names the file and line (or the API request
/// whose answer could not be read). Every other exception is an internal error (exit 4).</summary>
public sealed class UserInputException(string message) : Exception(message);
