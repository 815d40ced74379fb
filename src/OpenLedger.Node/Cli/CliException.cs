namespace OpenLedger.Node.Cli;

/// <summary>A user-facing CLI failure: printed as one "error: ..." line with a non-zero exit code.</summary>
public sealed class CliException(string message) : Exception(message);
