namespace OpenLedger.Network.Encoding;

/// <summary>A peer declared a message larger than the protocol allows.</summary>
public sealed class MessageTooLargeException(string message) : IOException(message);
