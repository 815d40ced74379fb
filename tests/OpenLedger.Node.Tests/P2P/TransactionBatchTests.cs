using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Node.Devnet;
using OpenLedger.Node.Network;
using OpenLedger.Node.Tests.EndToEnd.Support;
using Xunit;

namespace OpenLedger.Node.Tests.P2P;

public sealed class TransactionBatchTests
{
    private static readonly Address To = Address.FromUInt64(0xba7c4);

    private static byte[][] Raw(int count, int firstNonce = 0) =>
        Enumerable.Range(firstNonce, count).Select(n => TestTransactions.Raw(TestTransactions.Transfer((ulong)n, To, 1), DevnetKeys.Account(0))).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(700)]
    [InlineData(TransactionBatch.MaxTransactions)]
    public void A_batch_decodes_to_the_same_raw_transactions_in_order(int count)
    {
        var raw = Raw(count);
        var decoded = TransactionBatch.Decode(TransactionBatch.Encode(raw));
        Assert.Equal(count, decoded.Count);
        for (var i = 0; i < count; i++) Assert.Equal(raw[i], decoded[i].ToArray());
    }

    [Fact]
    public void Encode_refuses_empty_and_oversized_batches()
    {
        Assert.Throws<ArgumentException>(() => TransactionBatch.Encode([]));
        Assert.Throws<ArgumentException>(() => TransactionBatch.Encode(Enumerable.Repeat(new byte[] { 0x02, 0x01 }, TransactionBatch.MaxTransactions + 1).ToArray()));
        Assert.Throws<ArgumentException>(() => TransactionBatch.Encode([new byte[TransactionBatch.MaxBytes]]));
        Assert.False(TransactionBatch.Fits(TransactionBatch.MaxTransactions + 1, 100));
        Assert.False(TransactionBatch.Fits(1, TransactionBatch.MaxBytes));
        Assert.True(TransactionBatch.Fits(TransactionBatch.MaxTransactions, TransactionBatch.MaxBytes - 8));
    }

    [Fact]
    public void Decode_rejects_what_is_not_a_batch()
    {
        var one = Raw(1)[0];
        // A single raw transaction (a typed transaction starts with its type byte, not a list header).
        Assert.Throws<RlpException>(() => TransactionBatch.Decode(one));
        Assert.Throws<RlpException>(() => TransactionBatch.Decode(Array.Empty<byte>()));
        // The empty list, a list with a nested list, an empty member, trailing bytes.
        Assert.Throws<RlpException>(() => TransactionBatch.Decode(new byte[] { 0xc0 }));
        Assert.Throws<RlpException>(() => TransactionBatch.Decode(List(w => { w.WriteBytes(one); var l = w.BeginList(); w.WriteBytes(one); w.EndList(l); })));
        Assert.Throws<RlpException>(() => TransactionBatch.Decode(List(w => { w.WriteBytes(one); w.WriteBytes([]); })));
        Assert.Throws<RlpException>(() => TransactionBatch.Decode(TransactionBatch.Encode([one]).Append((byte)0x00).ToArray()));
        // More members than allowed, and more bytes than allowed, even if well formed.
        Assert.Throws<RlpException>(() => TransactionBatch.Decode(List(w => { for (var i = 0; i <= TransactionBatch.MaxTransactions; i++) w.WriteBytes([0x02, 0x01]); })));
        Assert.Throws<RlpException>(() => TransactionBatch.Decode(List(w => w.WriteBytes(new byte[TransactionBatch.MaxBytes]))));
    }

    private static byte[] List(Action<RlpWriter> members)
    {
        var writer = new RlpWriter();
        var list = writer.BeginList();
        members(writer);
        writer.EndList(list);
        return writer.ToArray();
    }
}
