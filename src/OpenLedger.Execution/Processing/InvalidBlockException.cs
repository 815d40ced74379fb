namespace OpenLedger.Execution.Processing;

/// <summary>A proposed or downloaded block breaks a rule; the message says which.</summary>
public sealed class InvalidBlockException(string message) : Exception(message);
