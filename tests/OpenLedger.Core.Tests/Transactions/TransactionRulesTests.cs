using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Transactions;

/// <summary>SPEC §3 stateless admission rules, intrinsic gas and the fee arithmetic.</summary>
public class TransactionRulesTests
{
    private const ulong ChainId = TestTransactions.DevnetChainId;
    private const ulong BlockGasLimit = 60_000_000;

    [Fact]
    public void WellFormedTransaction_PassesEveryStatelessRule()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee());
        Assert.Null(TransactionRules.CheckStateless(tx, ChainId, BlockGasLimit));
    }

    [Fact]
    public void WrongChainId_IsRejected()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee(chainId: 1));
        AssertRejected(tx, TxRejectionCode.WrongChainId, "invalid chain id: have 1, want 161200");
    }

    [Fact]
    public void PreEip155Legacy_IsRejected()
    {
        var tx = TestTransactions.Signed(new UnsignedTransaction
        {
            Type = TxType.Legacy, IsReplayProtected = false, GasPrice = 1, GasLimit = 21_000, To = TestTransactions.Recipient,
        });
        AssertRejected(tx, TxRejectionCode.NotReplayProtected, "only replay-protected (EIP-155) transactions allowed");
    }

    [Fact]
    public void Eip155Legacy_AndAccessListTransactions_AreAccepted()
    {
        foreach (var type in new[] { TxType.Legacy, TxType.AccessList })
        {
            var tx = TestTransactions.Signed(new UnsignedTransaction
            {
                Type = type, ChainId = ChainId, GasPrice = 5, GasLimit = 21_000, To = TestTransactions.Recipient,
            });
            Assert.Null(TransactionRules.CheckStateless(tx, ChainId, BlockGasLimit));
        }
    }

    [Fact]
    public void HighS_IsRejectedAsItsOwnError()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee());
        var n = Convert.FromHexString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
        var highS = (System.Numerics.BigInteger)new System.Numerics.BigInteger(n, isUnsigned: true, isBigEndian: true)
            - new System.Numerics.BigInteger(tx.Signature.S, isUnsigned: true, isBigEndian: true);
        var twin = tx.ToUnsigned().WithSignature(Signature.FromCompact(
            tx.Signature.R, highS.ToByteArray(isUnsigned: true, isBigEndian: true), (byte)(tx.Signature.RecoveryId ^ 1)));
        AssertRejected(twin, TxRejectionCode.HighS, "s is above secp256k1n/2");
        Assert.False(twin.TryRecoverSender(out _, out var error));
        Assert.Contains("EIP-2", error);
        Assert.Throws<InvalidSignatureException>(() => twin.RecoverSender());
    }

    [Fact]
    public void UnrecoverableSignature_IsRejected()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee());
        var zeroR = tx.ToUnsigned().WithSignature(Signature.FromCompact([], tx.Signature.S, tx.Signature.RecoveryId));
        // One prefix (go-ethereum's), then the reason: nothing repeats when the pool or RPC pass it on.
        Assert.Equal("invalid transaction v, r, s values: signature r must be in [1, secp256k1n-1]",
            TransactionRules.CheckStateless(zeroR, ChainId, BlockGasLimit)?.Message);
        AssertRejected(zeroR, TxRejectionCode.InvalidSignature, "signature r must be in [1, secp256k1n-1]");
        var notOnCurve = tx.ToUnsigned().WithSignature(Signature.FromCompact([5], tx.Signature.S, 0));
        Assert.Equal("invalid transaction v, r, s values: no public key recovers from it",
            TransactionRules.CheckStateless(notOnCurve, ChainId, BlockGasLimit)?.Message);
    }

    [Fact]
    public void CheckStatelessBeforeRecovery_is_every_rule_but_the_recovery()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee());
        var notOnCurve = tx.ToUnsigned().WithSignature(Signature.FromCompact([5], tx.Signature.S, 0));
        Assert.Null(TransactionRules.CheckStatelessBeforeRecovery(notOnCurve, ChainId, BlockGasLimit));
        Assert.False(notOnCurve.HasRecoveredSender);
        Assert.Equal(TxRejectionCode.InvalidSignature, TransactionRules.CheckStateless(notOnCurve, ChainId, BlockGasLimit)?.Code);

        var copy = Transaction.Decode(tx.Encoded);
        Assert.Null(TransactionRules.CheckStatelessBeforeRecovery(copy, ChainId, BlockGasLimit));
        Assert.False(copy.HasRecoveredSender);
        Assert.Null(TransactionRules.CheckStateless(copy, ChainId, BlockGasLimit));
        Assert.True(copy.HasRecoveredSender);

        // The cheap rules, high s among them, are all still there.
        Assert.Equal(TxRejectionCode.WrongChainId, TransactionRules.CheckStatelessBeforeRecovery(tx, ChainId + 1, BlockGasLimit)?.Code);
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        var highS = n - new System.Numerics.BigInteger(tx.Signature.S, isUnsigned: true, isBigEndian: true);
        var twin = tx.ToUnsigned().WithSignature(Signature.FromCompact(
            tx.Signature.R, highS.ToByteArray(isUnsigned: true, isBigEndian: true), (byte)(tx.Signature.RecoveryId ^ 1)));
        Assert.Equal(TxRejectionCode.HighS, TransactionRules.CheckStatelessBeforeRecovery(twin, ChainId, BlockGasLimit)?.Code);
    }

    [Fact]
    public void TamperedTransaction_RecoversADifferentSender()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee());
        var tampered = TestTransactions.DynamicFee(gasLimit: 21_001).WithSignature(tx.Signature);
        Assert.Equal(TestTransactions.Key.Address, tx.RecoverSender());
        Assert.NotEqual(TestTransactions.Key.Address, tampered.RecoverSender());
    }

    [Fact]
    public void Oversize_IsRejected()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee(gasLimit: 3_000_000, data: new byte[128 * 1024]));
        AssertRejected(tx, TxRejectionCode.Oversize, "oversized data: transaction is ");
    }

    [Fact]
    public void GasLimitAboveBlockLimit_IsRejected()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee(gasLimit: BlockGasLimit + 1));
        AssertRejected(tx, TxRejectionCode.GasLimitAboveBlockLimit, "exceeds block gas limit");
    }

    [Fact]
    public void IntrinsicGasTooLow_IsRejected_WithHaveAndWant()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee(gasLimit: 21_000, data: [0, 1]));
        AssertRejected(tx, TxRejectionCode.IntrinsicGasTooLow, "intrinsic gas too low: have 21000, want 21020");
    }

    [Fact]
    public void TipAboveFeeCap_IsRejected()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee(maxFee: 10, tip: 11));
        AssertRejected(tx, TxRejectionCode.TipAboveFeeCap, "max priority fee per gas higher than max fee per gas");
    }

    [Fact]
    public void ContractCreation_IsRejected()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee(creation: true));
        Assert.Null(tx.To);
        Assert.True(tx.IsContractCreation);
        AssertRejected(tx, TxRejectionCode.ContractCreationUnsupported, "contract creation is not supported");
    }

    public static readonly UInt256 TwoPow200 = new(UInt128.One << 72, 0);

    [Fact]
    public void FeeCapOf2Pow200_IsRefusedByTheAmountRule_WithTheExactMessage()
    {
        var tx = TestTransactions.Signed(new UnsignedTransaction
        {
            Type = TxType.DynamicFee, ChainId = ChainId, MaxFeePerGas = TwoPow200, MaxPriorityFeePerGas = 1, GasLimit = 21_000,
            To = TestTransactions.Recipient,
        });
        var rejection = TransactionRules.CheckStateless(tx, ChainId, BlockGasLimit);
        Assert.NotNull(rejection);
        Assert.Equal(TxRejectionCode.AmountAbove128Bits, rejection.Code);
        Assert.Equal(
            "amount too large: max fee per gas 2^200 wei exceeds the 128-bit amount limit (340282366920938463463374607431768211455 wei)",
            rejection.Message);
    }

    [Theory]
    [InlineData(TxType.Legacy, "gas price")]
    [InlineData(TxType.AccessList, "gas price")]
    [InlineData(TxType.DynamicFee, "max priority fee per gas")]
    public void EachAmountField_IsCheckedAndNamed(TxType type, string feeName)
    {
        // 2^128 + 1: one bit too many, not a power of two, so the message shows the digits and the width.
        var justOver = new UInt256(1, 1);
        var fee = TestTransactions.Signed(new UnsignedTransaction
        {
            Type = type, ChainId = ChainId, GasPrice = type == TxType.DynamicFee ? 0 : justOver,
            MaxFeePerGas = type == TxType.DynamicFee ? justOver : 0, MaxPriorityFeePerGas = type == TxType.DynamicFee ? justOver : 0,
            GasLimit = 21_000, To = TestTransactions.Recipient,
        });
        AssertRejected(fee, TxRejectionCode.AmountAbove128Bits,
            $"amount too large: {feeName} 340282366920938463463374607431768211457 wei (129 bits) exceeds the 128-bit amount limit");

        var value = TestTransactions.Signed(new UnsignedTransaction
        {
            Type = type, ChainId = ChainId, GasPrice = type == TxType.DynamicFee ? 0UL : 5UL, MaxFeePerGas = type == TxType.DynamicFee ? 5UL : 0UL,
            GasLimit = 21_000, To = TestTransactions.Recipient, Value = UInt256.MaxValue,
        });
        AssertRejected(value, TxRejectionCode.AmountAbove128Bits, "amount too large: value 115792089237316195423570985008687907853269984665640564039457584007913129639935 wei (256 bits)");
        var error = Assert.Throws<InvalidOperationException>(() => value.Amounts);
        Assert.Contains("value 115792089237316195423570985008687907853269984665640564039457584007913129639935 wei (256 bits)", error.Message);
        Assert.Throws<InvalidOperationException>(() => value.EffectiveGasPrice(1));
    }

    [Fact]
    public void AmountsOfExactly128Bits_PassTheAmountRule()
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee(maxFee: UInt128.MaxValue, tip: UInt128.MaxValue));
        Assert.Null(TransactionRules.DescribeAmountAboveLimit(tx));
        Assert.Null(TransactionRules.CheckStateless(tx, ChainId, BlockGasLimit));
        Assert.Equal(UInt128.MaxValue, tx.Amounts.MaxFeePerGas);
    }

    [Fact]
    public void IntrinsicGas_FollowsSpecSection3()
    {
        var accessList = new[]
        {
            new AccessListItem(TestTransactions.Recipient, [Hash256.Zero, Hash256.EmptyTrieRoot]),
            new AccessListItem(Address.Zero, []),
        };
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee(data: [0, 0, 0, 1, 2], accessList: accessList));
        Assert.Equal(21_000UL + 3 * 4 + 2 * 16 + 2 * 2_400 + 2 * 1_900, IntrinsicGas.Of(tx));
        Assert.Equal(21_000UL, IntrinsicGas.Of(TestTransactions.Signed(TestTransactions.DynamicFee())));
    }

    [Theory]
    [InlineData(30, 2, 10, 12, 2)]   // tip fits under the cap
    [InlineData(30, 25, 10, 30, 20)] // tip capped by fee cap - base fee
    [InlineData(10, 0, 10, 10, 0)]
    public void EffectiveGasPriceAndTip_ForDynamicFee(ulong maxFee, ulong tip, ulong baseFee, ulong price, ulong effectiveTip)
    {
        var tx = TestTransactions.Signed(TestTransactions.DynamicFee(maxFee: maxFee, tip: tip));
        Assert.Equal((UInt128)price, tx.EffectiveGasPrice(baseFee));
        Assert.Equal((UInt128)effectiveTip, tx.EffectiveTip(baseFee));
    }

    [Fact]
    public void EffectiveGasPrice_ForLegacyIsTheGasPrice_AndFeeCapBelowBaseFeeThrows()
    {
        var tx = TestTransactions.Signed(new UnsignedTransaction
        {
            Type = TxType.Legacy, ChainId = ChainId, GasPrice = 50, GasLimit = 21_000, To = TestTransactions.Recipient,
        });
        Assert.Equal((UInt128)50, tx.GasPrice);
        Assert.Equal((UInt128)50, tx.MaxFeePerGas);
        Assert.Equal((UInt128)50, tx.MaxPriorityFeePerGas);
        Assert.Equal((UInt128)50, tx.EffectiveGasPrice(7));
        Assert.Equal((UInt128)43, tx.EffectiveTip(7));
        var error = Assert.Throws<InvalidOperationException>(() => tx.EffectiveTip(51));
        Assert.Contains("max fee per gas less than block base fee", error.Message);
    }

    private static void AssertRejected(Transaction tx, TxRejectionCode code, string messagePart)
    {
        var rejection = TransactionRules.CheckStateless(tx, ChainId, BlockGasLimit);
        Assert.NotNull(rejection);
        Assert.Equal(code, rejection.Code);
        Assert.Contains(messagePart, rejection.Message);
    }
}
