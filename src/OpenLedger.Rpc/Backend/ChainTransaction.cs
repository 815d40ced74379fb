using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>
/// A signed transaction as the RPC layer shows it (all three envelope types). The node builds it from its own
/// transaction type; the RPC layer only formats it and never re-derives anything except the legacy
/// <c>v</c> (<c>chainId * 2 + 35 + yParity</c>, EIP-155).
/// </summary>
public sealed record ChainTransaction
{
    public required Hash256 Hash { get; init; }
    /// <summary>EIP-2718 type: 0 legacy (EIP-155), 1 EIP-2930, 2 EIP-1559.</summary>
    public required byte Type { get; init; }
    public required ulong ChainId { get; init; }
    public required ulong Nonce { get; init; }
    /// <summary>The recovered signer.</summary>
    public required Address From { get; init; }
    /// <summary>Null for a transaction without recipient.</summary>
    public Address? To { get; init; }
    public required UInt128 Value { get; init; }
    public required ulong GasLimit { get; init; }
    /// <summary>Types 0 and 1; null for type 2.</summary>
    public UInt128? GasPrice { get; init; }
    /// <summary>Type 2 only.</summary>
    public UInt128? MaxFeePerGas { get; init; }
    /// <summary>Type 2 only.</summary>
    public UInt128? MaxPriorityFeePerGas { get; init; }
    public required byte[] Data { get; init; }
    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];
    /// <summary>Signature recovery id, 0 or 1.</summary>
    public required byte YParity { get; init; }
    /// <summary>Signature r, big-endian, 32 bytes.</summary>
    public required byte[] R { get; init; }
    /// <summary>Signature s, big-endian, 32 bytes.</summary>
    public required byte[] S { get; init; }
    /// <summary>The signed EIP-2718 encoding; keccak256 of it is <see cref="Hash"/>.</summary>
    public required byte[] Encoded { get; init; }

    /// <summary>The RPC view of a Core transaction; <paramref name="sender"/> is its recovered signer (the node already knows it).</summary>
    public static ChainTransaction FromCore(Transaction tx, Address sender)
    {
        ArgumentNullException.ThrowIfNull(tx);
        var dynamicFee = tx.Type == TxType.DynamicFee;
        // Only admitted transactions (pool or chain) are shown, and admission refused amounts above 128 bits.
        var amounts = tx.Amounts;
        return new ChainTransaction
        {
            Hash = tx.Hash,
            Type = (byte)tx.Type,
            ChainId = tx.ChainId,
            Nonce = tx.Nonce,
            From = sender,
            To = tx.To,
            Value = amounts.Value,
            GasLimit = tx.GasLimit,
            GasPrice = dynamicFee ? null : amounts.GasPrice,
            MaxFeePerGas = dynamicFee ? amounts.MaxFeePerGas : null,
            MaxPriorityFeePerGas = dynamicFee ? amounts.MaxPriorityFeePerGas : null,
            Data = tx.Data.ToArray(),
            AccessList = tx.AccessList.Select(item => new AccessListEntry(item.Address, item.StorageKeys)).ToArray(),
            YParity = tx.Signature.RecoveryId,
            R = tx.Signature.R.ToArray(),
            S = tx.Signature.S.ToArray(),
            Encoded = tx.Encoded.ToArray(),
        };
    }
}
