namespace OpenLedger.Core.Abi;

/// <summary>
/// Solidity ABI data, a type or a signature is malformed, or a value does not fit its type. The message says
/// which argument (index, name when known, type) and what is wrong, so a caller can fix the input.
/// </summary>
public sealed class AbiException(string message) : FormatException(message);
