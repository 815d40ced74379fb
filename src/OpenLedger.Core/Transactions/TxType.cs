namespace OpenLedger.Core.Transactions;

/// <summary>EIP-2718 transaction types this chain accepts.</summary>
public enum TxType : byte
{
    /// <summary>Untyped RLP list (EIP-155 replay protection required at admission).</summary>
    Legacy = 0,

    /// <summary>EIP-2930: gas price plus an access list.</summary>
    AccessList = 1,

    /// <summary>EIP-1559: max fee and max priority fee per gas.</summary>
    DynamicFee = 2,
}
