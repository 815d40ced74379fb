using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Core.Tests.Chain;

public class BloomTests
{
    [Fact]
    public void The_shared_empty_bloom_cannot_be_changed()
    {
        Assert.Throws<InvalidOperationException>(() => Bloom.Empty.Add([1, 2, 3]));
        Assert.Throws<InvalidOperationException>(() => Bloom.Empty.Merge(new Bloom()));
        Assert.True(Bloom.Empty.IsEmpty);
        Assert.Equal(new Bloom(), Bloom.Empty);
    }

    [Fact]
    public void A_receipt_without_logs_round_trips_with_the_empty_bloom_and_one_with_logs_keeps_its_bits()
    {
        var plain = Receipt([], Bloom.Empty);
        var decoded = TransactionReceipt.DecodeStorage(plain.EncodeStorage());
        Assert.Same(Bloom.Empty, decoded.Bloom);
        Assert.Equal(plain.EncodeConsensus(), decoded.EncodeConsensus());

        var log = new LogEntry(Address.FromUInt64(0x1234), [Hash256.Zero], [7]);
        var bloom = new Bloom();
        bloom.Add(log);
        var withLog = Receipt([log], bloom);
        var decodedWithLog = TransactionReceipt.DecodeStorage(withLog.EncodeStorage());
        Assert.False(decodedWithLog.Bloom.IsEmpty);
        Assert.Equal(bloom, decodedWithLog.Bloom);
        Assert.Equal(withLog.EncodeConsensus(), decodedWithLog.EncodeConsensus());
    }

    private static TransactionReceipt Receipt(IReadOnlyList<LogEntry> logs, Bloom bloom) => new()
    {
        TxType = 2,
        Success = true,
        CumulativeGasUsed = 21_000,
        Bloom = bloom,
        Logs = logs,
        TransactionHash = Hash256.Zero,
        TransactionIndex = 0,
        From = Address.FromUInt64(1),
        To = Address.FromUInt64(2),
        GasUsed = 21_000,
        EffectiveGasPrice = 1_000_000_000,
    };
}
