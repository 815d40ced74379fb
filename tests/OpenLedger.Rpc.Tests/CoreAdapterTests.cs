using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Rpc.Backend;
using Xunit;

namespace OpenLedger.Rpc.Tests;

/// <summary>The helpers a node uses to feed Core's transactions and admission refusals into the RPC layer.</summary>
public sealed class CoreAdapterTests
{
    private static readonly PrivateKey Key = PrivateKey.FromHex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    private static readonly Address Recipient = Address.Parse("0x2222222222222222222222222222222222222222");

    [Theory]
    [InlineData(TxType.Legacy)]
    [InlineData(TxType.AccessList)]
    [InlineData(TxType.DynamicFee)]
    public void Chain_transaction_from_core_keeps_every_field(TxType type)
    {
        var tx = TransactionSigner.Sign(new UnsignedTransaction
        {
            Type = type,
            ChainId = 161200,
            Nonce = 9,
            GasPrice = 7_000_000_000,
            MaxFeePerGas = 5_000_000_000,
            MaxPriorityFeePerGas = 2_000_000_000,
            GasLimit = 30_000,
            To = Recipient,
            Value = 12345,
            Data = [1, 2, 3],
            AccessList = type == TxType.Legacy ? [] : [new AccessListItem(Recipient, [Hash256.EmptyCodeHash])],
        }, Key);

        var view = ChainTransaction.FromCore(tx, tx.RecoverSender());

        Assert.Equal(tx.Hash, view.Hash);
        Assert.Equal(Keccak256.Hash(view.Encoded), view.Hash);
        Assert.Equal((byte)type, view.Type);
        Assert.Equal(161200UL, view.ChainId);
        Assert.Equal(9UL, view.Nonce);
        Assert.Equal(Key.Address, view.From);
        Assert.Equal(Recipient, view.To);
        Assert.Equal((UInt128)12345, view.Value);
        Assert.Equal(30_000UL, view.GasLimit);
        Assert.Equal(new byte[] { 1, 2, 3 }, view.Data);
        Assert.Equal(tx.Signature.R.ToArray(), view.R);
        Assert.Equal(tx.Signature.S.ToArray(), view.S);
        Assert.Equal(tx.Signature.RecoveryId, view.YParity);
        if (type == TxType.DynamicFee)
        {
            Assert.Null(view.GasPrice);
            Assert.Equal((UInt128)5_000_000_000, view.MaxFeePerGas);
            Assert.Equal((UInt128)2_000_000_000, view.MaxPriorityFeePerGas);
        }
        else
        {
            Assert.Equal((UInt128)7_000_000_000, view.GasPrice);
            Assert.Null(view.MaxFeePerGas);
        }
        Assert.Equal(type == TxType.Legacy ? 0 : 1, view.AccessList.Count);
    }

    [Theory]
    [InlineData(false, "invalid transaction v, r, s values: signature r must be in [1, secp256k1n-1]")]
    [InlineData(true, "invalid transaction v, r, s values: s is above secp256k1n/2 (EIP-2 requires low s)")]
    public void Signature_refusals_say_the_fixed_text_once_then_the_reason(bool highS, string expected)
    {
        var tx = TransactionSigner.Sign(new UnsignedTransaction
        {
            ChainId = 161200, GasLimit = 21_000, MaxFeePerGas = 1, To = Recipient,
        }, Key);
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.AllowHexSpecifier);
        var s = n - new System.Numerics.BigInteger(tx.Signature.S, isUnsigned: true, isBigEndian: true);
        var bad = highS
            ? tx.ToUnsigned().WithSignature(Signature.FromCompact(tx.Signature.R, s.ToByteArray(isUnsigned: true, isBigEndian: true), (byte)(tx.Signature.RecoveryId ^ 1)))
            : tx.ToUnsigned().WithSignature(Signature.FromCompact([], tx.Signature.S, tx.Signature.RecoveryId));

        var result = TxRejections.Reject(TransactionRules.CheckStateless(bad, 161200, 60_000_000)!, bad.Hash);

        Assert.Equal(TxRejectionReason.InvalidSignature, result.Rejection);
        // The exact text JSON-RPC and gRPC send (both use FullMessage).
        Assert.Equal(expected, TxRejections.FullMessage(result));
    }

    [Fact]
    public void Amount_refusal_maps_to_amount_too_large_with_the_field_named()
    {
        var tx = TransactionSigner.Sign(new UnsignedTransaction
        {
            ChainId = 161200, GasLimit = 21_000, MaxFeePerGas = new UInt256(UInt128.One << 72, 0), To = Recipient,
        }, Key);
        var result = TxRejections.Reject(TransactionRules.CheckStateless(tx, 161200, 60_000_000)!, tx.Hash);
        Assert.Equal(TxRejectionReason.AmountTooLarge, result.Rejection);
        Assert.Equal(global::Grpc.Core.StatusCode.InvalidArgument, TxRejections.GrpcStatus(TxRejectionReason.AmountTooLarge));
        Assert.Equal("amount too large: max fee per gas 2^200 wei exceeds the 128-bit amount limit (340282366920938463463374607431768211455 wei)",
            TxRejections.FullMessage(result));
    }

    [Fact]
    public void Core_refusals_map_to_reasons_and_keep_their_message()
    {
        var tx = TransactionSigner.Sign(new UnsignedTransaction
        {
            ChainId = 1, GasLimit = 21_000, MaxFeePerGas = 1, To = Recipient,
        }, Key);
        var refusal = TransactionRules.CheckStateless(tx, 161200, 60_000_000)!;
        var result = TxRejections.Reject(refusal, tx.Hash);

        Assert.Equal(TxRejectionReason.WrongChainId, result.Rejection);
        Assert.Equal(refusal.Message, TxRejections.FullMessage(result));
        Assert.StartsWith("invalid chain id", TxRejections.FullMessage(result));
        Assert.Equal(tx.Hash, result.Hash);
        foreach (var code in Enum.GetValues<TxRejectionCode>())
            Assert.True(Enum.IsDefined(TxRejections.ReasonFor(code)));
        Assert.Equal(TxRejectionReason.InvalidSignature, TxRejections.ReasonFor(TxRejectionCode.HighS));
        // A detail that does not repeat the fixed text is appended to it.
        Assert.Equal("nonce too low: next nonce 4", TxRejections.FullMessage(SubmitResult.Reject(TxRejectionReason.NonceTooLow, "next nonce 4")));
    }

    [Fact]
    public void Every_rejection_reason_has_a_message_and_a_status_code()
    {
        foreach (var reason in Enum.GetValues<TxRejectionReason>())
        {
            Assert.False(string.IsNullOrWhiteSpace(TxRejections.Message(reason)));
            Assert.NotEqual(global::Grpc.Core.StatusCode.OK, TxRejections.GrpcStatus(reason));
        }
    }
}
