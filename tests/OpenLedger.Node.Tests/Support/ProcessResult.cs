namespace OpenLedger.Node.Tests.Support;

/// <summary>What a finished (or killed) child process left behind.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"exit {ExitCode}{(TimedOut ? " (killed after timeout)" : "")} in {Elapsed.TotalSeconds:F1}s\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}
