using FsCheck.Xunit;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Transactions;

/// <summary>Properties of the codec over random input.</summary>
public class TransactionPropertyTests
{
    private static readonly byte[][] Seeds =
    [
        TestTransactions.Signed(TestTransactions.DynamicFee(data: [1, 2, 3],
            accessList: [new AccessListItem(TestTransactions.Recipient, [Hash256.Zero])])).Encoded.ToArray(),
        TestTransactions.Signed(new UnsignedTransaction
        {
            Type = TxType.AccessList, ChainId = 5, GasPrice = 9, GasLimit = 30_000, To = TestTransactions.Recipient, Data = [0, 7],
        }).Encoded.ToArray(),
        TestTransactions.Signed(new UnsignedTransaction
        {
            Type = TxType.Legacy, ChainId = 1612, GasPrice = 9, GasLimit = 30_000, To = TestTransactions.Recipient, Value = 3,
        }).Encoded.ToArray(),
    ];

    [Property(MaxTest = 500)]
    public void RandomBytes_AreDecodedOrRefused_NeverAnyOtherException(byte[] bytes, byte prefixChoice)
    {
        // Exercise all three entry paths: raw bytes (mostly legacy/garbage) and both typed envelopes.
        byte[] input = (prefixChoice % 3) switch
        {
            0 => bytes,
            1 => [0x01, .. bytes],
            _ => [0x02, .. bytes],
        };
        AssertDecodesCanonicallyOrIsRefused(input);
    }

    [Property(MaxTest = 500)]
    public void MutatedValidEncodings_AreDecodedCanonicallyOrRefused(int seedChoice, int position, byte value, bool truncate)
    {
        var seed = Seeds[Math.Abs(seedChoice % Seeds.Length)];
        var mutated = (byte[])seed.Clone();
        var at = Math.Abs(position % mutated.Length);
        mutated[at] = value;
        if (truncate) mutated = mutated[..at];
        AssertDecodesCanonicallyOrIsRefused(mutated);
    }

    [Property(MaxTest = 150)]
    public void RandomValidTransactions_RoundTrip(
        byte typeChoice, ulong chainId, ulong nonce, ulong feeHigh, ulong feeLow, ulong tip, ulong gasLimit,
        bool creation, byte[] data, ulong valueHigh, ulong valueLow, byte[] accessListShape, bool legacyPre155)
    {
        var type = (TxType)(typeChoice % 3);
        var maxFee = ((UInt128)feeHigh << 64) | feeLow;
        var accessList = type == TxType.Legacy
            ? []
            : accessListShape.Take(4).Select((keys, i) => new AccessListItem(
                Address.FromUInt64((ulong)i * 31 + keys),
                Enumerable.Range(0, keys % 3).Select(k => Keccak256.Hash([(byte)k, keys])).ToArray())).ToArray();
        var replayProtected = type != TxType.Legacy || !legacyPre155;
        var unsigned = new UnsignedTransaction
        {
            Type = type,
            ChainId = replayProtected ? chainId : 0,
            IsReplayProtected = replayProtected,
            Nonce = nonce,
            GasPrice = type == TxType.DynamicFee ? 0 : maxFee,
            MaxFeePerGas = type == TxType.DynamicFee ? maxFee : 0,
            MaxPriorityFeePerGas = type == TxType.DynamicFee ? tip : 0,
            GasLimit = gasLimit,
            To = creation ? null : Address.FromUInt64(nonce ^ 0x5a5a),
            Value = ((UInt128)valueHigh << 64) | valueLow,
            Data = data,
            AccessList = accessList,
        };
        var signed = TestTransactions.Signed(unsigned);
        var decoded = Transaction.Decode(signed.Encoded);

        Assert.Equal(signed.Encoded.ToArray(), decoded.Encoded.ToArray());
        Assert.Equal(signed.Hash, decoded.Hash);
        Assert.Equal(type, decoded.Type);
        Assert.Equal(unsigned.ChainId, decoded.ChainId);
        Assert.Equal(replayProtected, decoded.IsReplayProtected);
        Assert.Equal(nonce, decoded.Nonce);
        Assert.Equal(maxFee, decoded.MaxFeePerGas);
        Assert.Equal(type == TxType.DynamicFee ? tip : maxFee, decoded.MaxPriorityFeePerGas);
        Assert.Equal(gasLimit, decoded.GasLimit);
        Assert.Equal(unsigned.To, decoded.To);
        Assert.Equal(unsigned.Value, decoded.Value);
        Assert.Equal(data, decoded.Data.ToArray());
        Assert.Equal(accessList, decoded.AccessList);
        Assert.Equal(signed.SigningHash, decoded.SigningHash);
        // The decoded hash is built from the encoding's bytes; the builder's re-encodes the fields.
        Assert.Equal(unsigned.SigningHash, decoded.SigningHash);
        Assert.Equal(TestTransactions.Key.Address, decoded.RecoverSender());
    }

    /// <summary>
    /// The signing payload is rebuilt from the encoding's bytes around the list-header size change at 56 bytes and
    /// past the 512-byte stack buffer; each digest must equal the one from re-encoding the fields.
    /// </summary>
    [Theory]
    [InlineData(TxType.Legacy, true)]
    [InlineData(TxType.Legacy, false)]
    [InlineData(TxType.AccessList, true)]
    [InlineData(TxType.DynamicFee, true)]
    public void SigningHash_from_the_encoding_equals_the_re_encoded_fields_at_every_size(TxType type, bool replayProtected)
    {
        foreach (var length in new[] { 0, 1, 2, 10, 20, 25, 30, 40, 55, 56, 57, 200, 255, 256, 440, 470, 500, 512, 600, 65_535, 65_536, 70_000 })
        foreach (var chainId in replayProtected ? new ulong[] { 1, 127, 128, 161_200, ulong.MaxValue } : [0UL])
        {
            var unsigned = new UnsignedTransaction
            {
                Type = type, ChainId = chainId, IsReplayProtected = replayProtected, Nonce = (ulong)length, GasPrice = type == TxType.DynamicFee ? 0UL : 7UL,
                MaxFeePerGas = type == TxType.DynamicFee ? 9UL : 0UL, MaxPriorityFeePerGas = type == TxType.DynamicFee ? 1UL : 0UL, GasLimit = 30_000,
                To = TestTransactions.Recipient, Value = 5, Data = Enumerable.Range(0, length).Select(i => (byte)i).ToArray(),
            };
            var signed = TestTransactions.Signed(unsigned);
            var decoded = Transaction.Decode(signed.Encoded);
            Assert.Equal(Keccak256.Hash(unsigned.EncodeForSigning()), signed.SigningHash);
            Assert.Equal(Keccak256.Hash(unsigned.EncodeForSigning()), decoded.SigningHash);
            Assert.Equal(TestTransactions.Key.Address, decoded.RecoverSender());
        }
    }

    [Property(MaxTest = 200)]
    public void AmountsAcross256Bits_RoundTrip_AndOnlyThoseAbove128BitsAreRefusedAtAdmission(
        byte typeChoice, byte[] feeBytes, byte[] tipBytes, byte[] valueBytes, bool wideFee, bool wideValue)
    {
        var type = (TxType)(typeChoice % 3);
        var fee = Amount(feeBytes, wideFee);
        var tip = Amount(tipBytes, wideFee);
        var value = Amount(valueBytes, wideValue);
        var unsigned = new UnsignedTransaction
        {
            Type = type,
            ChainId = TestTransactions.DevnetChainId,
            GasPrice = type == TxType.DynamicFee ? UInt256.Zero : fee,
            MaxFeePerGas = type == TxType.DynamicFee ? fee : UInt256.Zero,
            // Keep the tip at or under the cap so the amount rule is the only one in play.
            MaxPriorityFeePerGas = type == TxType.DynamicFee ? (tip <= fee ? tip : fee) : UInt256.Zero,
            GasLimit = 21_000,
            To = TestTransactions.Recipient,
            Value = value,
        };
        var signed = TestTransactions.Signed(unsigned);
        var decoded = Transaction.Decode(signed.Encoded);

        Assert.Equal(signed.Encoded.ToArray(), decoded.Encoded.ToArray());
        Assert.Equal(signed.Hash, decoded.Hash);
        Assert.Equal(fee, decoded.MaxFeePerGas);
        Assert.Equal(type == TxType.DynamicFee ? unsigned.MaxPriorityFeePerGas : fee, decoded.MaxPriorityFeePerGas);
        Assert.Equal(value, decoded.Value);
        Assert.Equal(TestTransactions.Key.Address, decoded.RecoverSender());
        var rebuilt = decoded.ToUnsigned();
        Assert.Equal(unsigned.GasPrice, rebuilt.GasPrice);
        Assert.Equal(unsigned.MaxFeePerGas, rebuilt.MaxFeePerGas);
        Assert.Equal(unsigned.MaxPriorityFeePerGas, rebuilt.MaxPriorityFeePerGas);
        Assert.Equal(unsigned.Value, rebuilt.Value);

        var fits = fee.FitsInUInt128 && value.FitsInUInt128;
        Assert.Equal(fits, decoded.AmountsFitInUInt128);
        var rejection = TransactionRules.CheckStateless(decoded, TestTransactions.DevnetChainId, 60_000_000);
        if (fits)
        {
            Assert.Null(rejection);
            Assert.Equal(value, (UInt256)decoded.Amounts.Value);
        }
        else
        {
            Assert.Equal(TxRejectionCode.AmountAbove128Bits, rejection?.Code);
        }
    }

    /// <summary>Up to 16 bytes (fits in 128 bits) or up to 32 (any 256-bit amount), so both sides of the limit are hit often.</summary>
    private static UInt256 Amount(byte[] bytes, bool wide) =>
        UInt256.FromBigEndian((bytes ?? []).AsSpan(0, Math.Min((bytes ?? []).Length, wide ? 32 : 16)));

    private static void AssertDecodesCanonicallyOrIsRefused(byte[] input)
    {
        Transaction tx;
        try
        {
            tx = Transaction.Decode(input);
        }
        catch (TransactionDecodingException)
        {
            return;
        }
        catch (RlpException)
        {
            return;
        }
        // Whatever is accepted is canonical: rebuilding it from its fields gives the same bytes.
        Assert.Equal(input, tx.ToUnsigned().WithSignature(tx.Signature).Encoded.ToArray());
        // Recovery may fail on garbage, but only by returning false.
        tx.TryRecoverSender(out _, out _);
    }
}
