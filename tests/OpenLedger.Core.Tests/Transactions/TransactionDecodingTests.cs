using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Transactions;

/// <summary>Strict decoding: each malformation is refused with a message that names it.</summary>
public class TransactionDecodingTests
{
    private static readonly Transaction Sample = TestTransactions.Signed(TestTransactions.DynamicFee(
        accessList: [new AccessListItem(TestTransactions.Recipient, [Hash256.Zero])]));

    [Theory]
    [InlineData("", "empty input")]
    [InlineData("03c0", "transaction type 0x03 is not supported")]
    [InlineData("00c0", "transaction type 0x00 is not supported")]
    [InlineData("7f", "transaction type 0x7f is not supported")]
    [InlineData("02", "has no payload")]
    [InlineData("8180", "found an RLP string prefix 0x81")]
    [InlineData("02c0", "must have 12 fields, got 0")]
    [InlineData("01c3010203", "must have 11 fields, got 3")]
    [InlineData("c0", "legacy transaction must have 9 fields, got 0")]
    [InlineData("0280", "must be an RLP list")]
    public void MalformedEnvelope_IsRefusedWithASpecificMessage(string hex, string expected)
    {
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(Convert.FromHexString(hex)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void TrailingBytes_AreRefused()
    {
        byte[] withTrailing = [.. Sample.Encoded, 0x00];
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(withTrailing));
        Assert.Contains("1 unexpected trailing byte(s)", error.Message);
    }

    [Fact]
    public void NonCanonicalInteger_IsRefused_AsRlpErrorWrappedInTheTransactionError()
    {
        // nonce 7 written as 0x81 0x07 instead of 0x07; the list length grows by one.
        var writer = new RlpWriter();
        writer.WriteEncoded([0x02]);
        var list = writer.BeginList();
        writer.WriteUInt64(TestTransactions.DevnetChainId);
        writer.WriteEncoded([0x81, 0x07]);
        for (var i = 0; i < 10; i++) writer.WriteBytes([]);
        writer.EndList(list);
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(writer.ToArray()));
        Assert.StartsWith("invalid EIP-1559 (type 2) transaction: invalid RLP at byte", error.Message);
        Assert.Contains("single byte below 0x80 must be encoded as itself", error.Message);
        Assert.IsType<RlpException>(error.InnerException);
    }

    [Theory]
    [InlineData(0, "chain id does not fit in 64 bits")]
    [InlineData(1, "nonce does not fit in 64 bits")]
    [InlineData(4, "gas limit does not fit in 64 bits")]
    public void SixtyFourBitFields_RefuseLargerValues(int field, string expected)
    {
        var fields = SampleFields();
        fields[field] = Rlp(new byte[9] { 1, 0, 0, 0, 0, 0, 0, 0, 0 });
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(Envelope(2, fields)));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(2, 17)]
    [InlineData(3, 25)]
    [InlineData(6, 32)]
    public void AmountsUpTo256Bits_Decode_AndReEncodeByteExact(int field, int length)
    {
        // Ethereum allows 256-bit amounts; the 128-bit money rule belongs to admission, not to the codec.
        var fields = SampleFields();
        var big = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
        fields[field] = Rlp(big);
        var encoded = Envelope(2, fields);
        var tx = Transaction.Decode(encoded);
        var expected = UInt256.FromBigEndian(big);
        Assert.Equal(expected, field switch { 2 => tx.MaxPriorityFeePerGas, 3 => tx.MaxFeePerGas, _ => tx.Value });
        Assert.False(tx.AmountsFitInUInt128);
        Assert.Equal(encoded, tx.ToUnsigned().WithSignature(tx.Signature).Encoded.ToArray());
    }

    [Theory]
    [InlineData(2, "max priority fee per gas is 33 bytes long")]
    [InlineData(3, "max fee per gas is 33 bytes long")]
    [InlineData(6, "value is 33 bytes long")]
    public void AmountsAbove256Bits_AreRefused(int field, string expected)
    {
        var fields = SampleFields();
        var big = new byte[33];
        big[0] = 1;
        fields[field] = Rlp(big);
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(Envelope(2, fields)));
        Assert.StartsWith(expected, error.Message);
        Assert.Contains("Ethereum amounts fit in 256 bits", error.Message);
    }

    [Fact]
    public void AmountWithLeadingZero_IsRefused()
    {
        var fields = SampleFields();
        fields[6] = Rlp([0, 1]);
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(Envelope(2, fields)));
        Assert.Equal("value has leading zero bytes (non-canonical)", error.Message);
    }

    [Fact]
    public void AmountOfExactly128Bits_IsAccepted_AndIsMoney()
    {
        var fields = SampleFields();
        fields[6] = Rlp(Enumerable.Repeat((byte)0xff, 16).ToArray());
        var tx = Transaction.Decode(Envelope(2, fields));
        Assert.Equal((UInt256)UInt128.MaxValue, tx.Value);
        Assert.True(tx.AmountsFitInUInt128);
        Assert.Equal(UInt128.MaxValue, tx.Amounts.Value);
    }

    [Theory]
    [InlineData(5, new byte[] { 1, 2, 3 }, "recipient address must be 20 bytes")]
    [InlineData(9, new byte[] { 2 }, "y parity must be 0 or 1, got 2")]
    public void BadFieldValues_AreRefused(int field, byte[] value, string expected)
    {
        var fields = SampleFields();
        fields[field] = Rlp(value);
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(Envelope(2, fields)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void SignatureScalarAbove256Bits_IsRefused()
    {
        var fields = SampleFields();
        fields[10] = Rlp(Enumerable.Repeat((byte)0x11, 33).ToArray());
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(Envelope(2, fields)));
        Assert.Contains("signature r does not fit in 256 bits", error.Message);
    }

    [Fact]
    public void MalformedAccessList_IsRefused()
    {
        var fields = SampleFields();
        var writer = new RlpWriter();
        var outer = writer.BeginList();
        var entry = writer.BeginList();
        writer.WriteBytes(new byte[19]);
        var keys = writer.BeginList();
        writer.EndList(keys);
        writer.EndList(entry);
        writer.EndList(outer);
        fields[8] = writer.ToArray();
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(Envelope(2, fields)));
        Assert.Contains("access list address must be 20 bytes, got 19", error.Message);
    }

    [Theory]
    [InlineData(27, false, 0UL, 0)]
    [InlineData(28, false, 0UL, 1)]
    [InlineData(37, true, 1UL, 0)]
    [InlineData(322436, true, 161200UL, 1)]
    public void LegacyV_GivesChainIdAndParity(int v, bool replayProtected, ulong chainId, int parity)
    {
        var legacy = Legacy(v);
        var tx = Transaction.Decode(legacy);
        Assert.Equal(replayProtected, tx.IsReplayProtected);
        Assert.Equal(chainId, tx.ChainId);
        Assert.Equal(parity, tx.Signature.RecoveryId);
        Assert.Equal((UInt128)v, tx.V);
        Assert.Equal(legacy, tx.Encoded.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(26)]
    [InlineData(29)]
    [InlineData(34)]
    public void LegacyV_OutsideEip155AndPre155Values_IsRefused(int v)
    {
        var error = Assert.Throws<TransactionDecodingException>(() => Transaction.Decode(Legacy(v)));
        Assert.Contains($"v = {v} is invalid", error.Message);
    }

    [Fact]
    public void PreEip155Legacy_SignsAndRecovers_WithoutAChainId()
    {
        var tx = TestTransactions.Signed(new UnsignedTransaction
        {
            Type = TxType.Legacy, IsReplayProtected = false, GasPrice = 1, GasLimit = 21_000, To = TestTransactions.Recipient,
        });
        Assert.False(tx.IsReplayProtected);
        Assert.True(tx.V == 27 || tx.V == 28);
        var decoded = Transaction.Decode(tx.Encoded);
        Assert.Equal(TestTransactions.Key.Address, decoded.RecoverSender());
        Assert.Equal(tx.Hash, decoded.Hash);
    }

    private static byte[][] SampleFields()
    {
        var reader = new RlpReader(Sample.Encoded[1..]).ReadList();
        var fields = new List<byte[]>();
        while (reader.HasMore) fields.Add(reader.ReadEncodedItem().ToArray());
        Assert.Equal(12, fields.Count);
        return fields.ToArray();
    }

    private static byte[] Rlp(byte[] value)
    {
        var writer = new RlpWriter();
        writer.WriteBytes(value);
        return writer.ToArray();
    }

    private static byte[] Envelope(byte type, byte[][] fields)
    {
        var writer = new RlpWriter();
        writer.WriteEncoded([type]);
        var list = writer.BeginList();
        foreach (var field in fields) writer.WriteEncoded(field);
        writer.EndList(list);
        return writer.ToArray();
    }

    private static byte[] Legacy(int v)
    {
        var writer = new RlpWriter();
        var list = writer.BeginList();
        writer.WriteUInt64(0);
        writer.WriteUInt64(1);
        writer.WriteUInt64(21_000);
        writer.WriteBytes(TestTransactions.Recipient.Bytes);
        writer.WriteUInt64(0);
        writer.WriteBytes([]);
        writer.WriteUInt64((ulong)v);
        writer.WriteBytes([0x01]);
        writer.WriteBytes([0x01]);
        writer.EndList(list);
        return writer.ToArray();
    }
}
