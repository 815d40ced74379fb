namespace OpenLedger.Core.Crypto;

/// <summary>A signature could not be used to recover a signer; the message says why.</summary>
public sealed class InvalidSignatureException(string message) : Exception(message);
