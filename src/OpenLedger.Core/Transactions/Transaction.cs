using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Transactions;

/// <summary>
/// A signed, immutable EIP-2718 transaction (legacy, EIP-2930 or EIP-1559). It keeps its canonical encoding, so
/// <see cref="Encoded"/> round-trips byte for byte and <see cref="Hash"/> is the Ethereum transaction hash.
/// Decoding is strict (see <see cref="Decode"/>); admission rules live in <see cref="TransactionRules"/>.
/// </summary>
public sealed class Transaction
{
    private readonly byte[] _data;
    private readonly byte[] _encoded;
    private readonly TransactionAmounts? _amounts;
    // The signed fields (nonce .. access list) lie in _encoded between these offsets: the signing payload is built
    // from those bytes instead of re-encoding the fields (strict decoding makes the input the canonical encoding).
    private readonly int _signedFieldsStart;
    private readonly int _signedFieldsEnd;
    // Cached results, published by the volatile flag written after the value: racing threads compute the same
    // bytes, so a reader that sees the flag sees a whole value. Fields instead of boxes: one object per transaction.
    private Hash256 _signingHash;
    private volatile bool _hasSigningHash;
    private Address _sender;
    private volatile bool _hasSender;

    internal Transaction(UnsignedTransaction fields, in Signature signature, UInt128 v, byte[] encoded, int signedFieldsStart, int signedFieldsEnd)
        : this(fields.Type, fields.ChainId, fields.Type != TxType.Legacy || fields.IsReplayProtected, fields.Nonce,
            fields.Type == TxType.DynamicFee ? fields.MaxPriorityFeePerGas : fields.GasPrice,
            fields.Type == TxType.DynamicFee ? fields.MaxFeePerGas : fields.GasPrice,
            fields.GasLimit, fields.To, fields.Value, fields.Data, fields.AccessList, signature, v, encoded, Keccak256.Hash(encoded),
            signedFieldsStart, signedFieldsEnd)
    {
    }

    /// <summary>
    /// From decoded fields; <paramref name="maxPriorityFeePerGas"/> and <paramref name="maxFeePerGas"/> are both the gas
    /// price for legacy and EIP-2930 transactions. <paramref name="hash"/> is keccak256 of <paramref name="encoded"/>.
    /// </summary>
    internal Transaction(TxType type, ulong chainId, bool isReplayProtected, ulong nonce, in UInt256 maxPriorityFeePerGas,
        in UInt256 maxFeePerGas, ulong gasLimit, Address? to, in UInt256 value, byte[] data, IReadOnlyList<AccessListItem> accessList,
        in Signature signature, UInt128 v, byte[] encoded, in Hash256 hash, int signedFieldsStart, int signedFieldsEnd)
    {
        Type = type;
        ChainId = chainId;
        IsReplayProtected = isReplayProtected;
        Nonce = nonce;
        MaxPriorityFeePerGas = maxPriorityFeePerGas;
        MaxFeePerGas = maxFeePerGas;
        GasLimit = gasLimit;
        To = to;
        Value = value;
        if (value.TryToUInt128(out var value128) && maxFeePerGas.TryToUInt128(out var maxFee)
            && maxPriorityFeePerGas.TryToUInt128(out var maxPriorityFee))
            _amounts = new TransactionAmounts(value128, maxFee, maxPriorityFee);
        _data = data;
        AccessList = accessList;
        Signature = signature;
        V = v;
        _encoded = encoded;
        Hash = hash;
        _signedFieldsStart = signedFieldsStart;
        _signedFieldsEnd = signedFieldsEnd;
    }

    public TxType Type { get; }

    /// <summary>The chain id; 0 for a pre-EIP-155 legacy transaction (see <see cref="IsReplayProtected"/>).</summary>
    public ulong ChainId { get; }

    /// <summary>False only for legacy transactions signed without a chain id (v = 27/28).</summary>
    public bool IsReplayProtected { get; }

    public ulong Nonce { get; }

    /// <summary>Legacy and EIP-2930: the gas price. EIP-1559: the fee cap (as go-ethereum reports it). Full 256-bit wire value.</summary>
    public UInt256 GasPrice => MaxFeePerGas;

    /// <summary>EIP-1559 max priority fee; equal to the gas price for legacy and EIP-2930 transactions. Full 256-bit wire value.</summary>
    public UInt256 MaxPriorityFeePerGas { get; }

    /// <summary>EIP-1559 fee cap; equal to the gas price for legacy and EIP-2930 transactions. Full 256-bit wire value.</summary>
    public UInt256 MaxFeePerGas { get; }

    public ulong GasLimit { get; }

    /// <summary>The recipient; null means contract creation.</summary>
    public Address? To { get; }

    public bool IsContractCreation => To is null;

    /// <summary>The value transferred, as the wire carries it (up to 256 bits); see <see cref="Amounts"/> for money.</summary>
    public UInt256 Value { get; }

    /// <summary>
    /// True when value and both fee fields fit in 128 bits, the width of OpenLedger money (SPEC §2). Decoding
    /// accepts any Ethereum transaction; admission (<see cref="TransactionRules.CheckStateless"/>) refuses the rest.
    /// </summary>
    public bool AmountsFitInUInt128 => _amounts.HasValue;

    /// <summary>
    /// Value and fees as UInt128 wei, for admitted transactions (everything in the pool or in a block). Throws
    /// <see cref="InvalidOperationException"/> naming the field when one needs more than 128 bits: amounts are
    /// refused, never truncated.
    /// </summary>
    public TransactionAmounts Amounts => _amounts
        ?? throw new InvalidOperationException(
            $"transaction {Hash}: {TransactionRules.DescribeAmountAboveLimit(this)}; admission refuses such transactions, check TransactionRules.CheckStateless first");

    /// <summary>Call data (read-only view).</summary>
    public ReadOnlySpan<byte> Data => _data;

    public IReadOnlyList<AccessListItem> AccessList { get; }

    /// <summary>r, s and the y parity (0/1) as the signature's recovery id.</summary>
    public Signature Signature { get; }

    /// <summary>The v value as encoded: 27/28, chainId*2+35/36 for legacy; the y parity for typed transactions.</summary>
    public UInt128 V { get; }

    /// <summary>keccak256 of the EIP-2718 encoding: the transaction hash.</summary>
    public Hash256 Hash { get; }

    /// <summary>The digest the sender signed.</summary>
    public Hash256 SigningHash
    {
        get
        {
            if (_hasSigningHash) return _signingHash;
            var hash = TransactionCodec.SigningHash(Type, IsReplayProtected, ChainId, _encoded.AsSpan(_signedFieldsStart, _signedFieldsEnd - _signedFieldsStart));
            _signingHash = hash;
            _hasSigningHash = true;
            return hash;
        }
    }

    /// <summary>The canonical EIP-2718 encoding (type byte || RLP for typed transactions, the RLP list for legacy).</summary>
    public ReadOnlySpan<byte> Encoded => _encoded;

    public int EncodedLength => _encoded.Length;

    /// <summary>
    /// Decodes an EIP-2718 transaction. Rejects with <see cref="TransactionDecodingException"/>: unknown type
    /// bytes, a wrong number of fields, non-canonical RLP or integers, trailing bytes, addresses and hashes of the
    /// wrong size, nonce/gas limit/chain id above 64 bits, and amounts or r/s above 256 bits. Amounts of 129 to
    /// 256 bits decode (Ethereum allows them); admission refuses them (<see cref="TransactionRules"/>).
    /// </summary>
    public static Transaction Decode(ReadOnlySpan<byte> encoded) => TransactionCodec.Decode(encoded);

    /// <summary>The signer; throws <see cref="InvalidSignatureException"/> saying why when it cannot be recovered.</summary>
    public Address RecoverSender()
    {
        if (!TryRecoverSender(out var sender, out var error)) throw new InvalidSignatureException(error);
        return sender;
    }

    /// <summary>
    /// True once this object has recovered its sender (later <see cref="TryRecoverSender"/> calls return it for free).
    /// A copy decoded from the same bytes starts without it: that is what the node's sender cache, keyed by hash, is for.
    /// </summary>
    public bool HasRecoveredSender => _hasSender;

    /// <summary>
    /// The signer, or false with a reason that starts with go-ethereum's "invalid transaction v, r, s values" and is
    /// complete as it is (callers pass it on without adding a prefix). A success is cached, so later calls cost nothing.
    /// </summary>
    public bool TryRecoverSender(out Address sender, out string error)
    {
        if (_hasSender)
        {
            sender = _sender;
            error = "";
            return true;
        }
        if (Signature.Validate() is { } invalid)
        {
            sender = default;
            error = $"{TransactionRules.InvalidSignaturePrefix}: {invalid}";
            return false;
        }
        if (!Secp256k1.TryRecoverAddress(SigningHash, Signature, out sender))
        {
            error = $"{TransactionRules.InvalidSignaturePrefix}: no public key recovers from it";
            return false;
        }
        _sender = sender;
        _hasSender = true;
        error = "";
        return true;
    }

    /// <summary>
    /// The price per gas the sender pays at <paramref name="baseFee"/>: min(fee cap, base fee + priority fee).
    /// Throws when the fee cap is below the base fee, or (see <see cref="Amounts"/>) an amount exceeds 128 bits.
    /// </summary>
    public UInt128 EffectiveGasPrice(UInt128 baseFee) => Amounts.EffectiveGasPrice(baseFee);

    /// <summary>The part of the gas price that goes to the proposer: min(priority fee, fee cap - base fee).</summary>
    public UInt128 EffectiveTip(UInt128 baseFee) => Amounts.EffectiveTip(baseFee);

    /// <summary>
    /// gas limit × max fee per gas + value — what the sender must hold to send it ("gas * price + value") — when it
    /// fits in 128 bits; false when it does not (no balance can cover it then). Amounts must fit in 128 bits.
    /// </summary>
    public bool TryMaxCost(out UInt128 cost)
    {
        var amounts = Amounts;
        cost = UInt128.MaxValue;
        if (amounts.MaxFeePerGas != 0 && GasLimit > UInt128.MaxValue / amounts.MaxFeePerGas) return false;
        var fees = GasLimit * amounts.MaxFeePerGas;
        if (fees > UInt128.MaxValue - amounts.Value) return false;
        cost = fees + amounts.Value;
        return true;
    }

    /// <summary>The same at any size, for messages that print it.</summary>
    public System.Numerics.BigInteger MaxCostExact() =>
        (System.Numerics.BigInteger)GasLimit * Amounts.MaxFeePerGas + Amounts.Value;

    /// <summary>The unsigned fields (a fresh builder; changing it does not change this transaction).</summary>
    public UnsignedTransaction ToUnsigned() => new()
    {
        Type = Type,
        ChainId = ChainId,
        IsReplayProtected = IsReplayProtected,
        Nonce = Nonce,
        GasPrice = Type == TxType.DynamicFee ? 0 : MaxFeePerGas,
        MaxPriorityFeePerGas = Type == TxType.DynamicFee ? MaxPriorityFeePerGas : 0,
        MaxFeePerGas = Type == TxType.DynamicFee ? MaxFeePerGas : 0,
        GasLimit = GasLimit,
        To = To,
        Value = Value,
        Data = _data.ToArray(),
        AccessList = AccessList,
    };

    public override string ToString() => $"{Type} transaction {Hash}";
}
