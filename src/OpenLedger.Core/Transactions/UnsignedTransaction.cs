using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Transactions;

/// <summary>
/// The fields of a transaction before it is signed: the builder that <see cref="TransactionSigner"/> turns
/// into a <see cref="Transaction"/>. Legacy and access-list transactions use <see cref="GasPrice"/>; dynamic-fee
/// transactions use <see cref="MaxFeePerGas"/> and <see cref="MaxPriorityFeePerGas"/>.
/// </summary>
public sealed class UnsignedTransaction
{
    public TxType Type { get; init; } = TxType.DynamicFee;

    public ulong ChainId { get; init; }

    /// <summary>Legacy only: false signs the pre-EIP-155 form (v = 27/28, no chain id). Typed transactions always carry the chain id.</summary>
    public bool IsReplayProtected { get; init; } = true;

    public ulong Nonce { get; init; }

    // Amounts are 256-bit as on Ethereum's wire, so any Ethereum transaction can be rebuilt and re-signed;
    // OpenLedger admission refuses amounts above 128 bits (TransactionRules).
    public UInt256 GasPrice { get; init; }

    public UInt256 MaxPriorityFeePerGas { get; init; }

    public UInt256 MaxFeePerGas { get; init; }

    public ulong GasLimit { get; init; }

    /// <summary>Null means contract creation (which this chain's admission rules reject).</summary>
    public Address? To { get; init; }

    public UInt256 Value { get; init; }

    public byte[] Data { get; init; } = [];

    public IReadOnlyList<AccessListItem> AccessList { get; init; } = [];

    /// <summary>The digest the sender signs: keccak256 of the signing payload (EIP-155 / EIP-2718 form).</summary>
    public Hash256 SigningHash
    {
        get
        {
            Validate();
            return TransactionCodec.SigningHash(this);
        }
    }

    /// <summary>The signing payload itself (what hardware wallets display and sign).</summary>
    public byte[] EncodeForSigning()
    {
        Validate();
        return TransactionCodec.EncodeForSigning(this);
    }

    /// <summary>Attaches a signature; the result encodes canonically and can recover its sender.</summary>
    public Transaction WithSignature(in Signature signature) => TransactionCodec.CreateSigned(this, signature);

    internal void Validate()
    {
        if (!Enum.IsDefined(Type)) throw new ArgumentException($"unsupported transaction type {(byte)Type}");
        if (Type == TxType.Legacy && AccessList.Count > 0)
            throw new ArgumentException("legacy transactions cannot carry an access list");
        if (Type == TxType.Legacy && !IsReplayProtected && ChainId != 0)
            throw new ArgumentException("a pre-EIP-155 legacy transaction has no chain id; set ChainId to 0");
    }
}
