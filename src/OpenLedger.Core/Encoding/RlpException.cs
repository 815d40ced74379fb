namespace OpenLedger.Core.Encoding;

/// <summary>The input is not valid, canonical RLP (or not the shape the caller expected).</summary>
public sealed class RlpException(string message) : FormatException(message);
