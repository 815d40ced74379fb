namespace OpenLedger.Core.Abi;

/// <summary>The JSON ABI "stateMutability" of a function.</summary>
public enum AbiStateMutability
{
    NonPayable,
    Payable,
    View,
    Pure,
}
