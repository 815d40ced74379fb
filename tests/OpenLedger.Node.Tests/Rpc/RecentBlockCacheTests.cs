using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Node.Rpc;
using Xunit;

namespace OpenLedger.Node.Tests.Rpc;

public sealed class RecentBlockCacheTests
{
    private static Hash256 Block(int n) => Keccak256.Hash([(byte)n]);

    [Fact]
    public void Decodes_a_block_once_while_it_is_among_the_most_recently_asked_and_again_after_eviction()
    {
        var loads = new List<int>();
        var known = Enumerable.Range(1, 4).ToDictionary(Block, n => n);
        var cache = new RecentBlockCache<string>(hash => { if (!known.TryGetValue(hash, out var n)) return null; loads.Add(n); return $"block {n}"; }, capacity: 2);

        for (var i = 0; i < 100; i++) Assert.Equal("block 1", cache.Get(Block(1)));
        Assert.Equal([1], loads);

        Assert.Equal("block 2", cache.Get(Block(2)));
        Assert.Equal("block 1", cache.Get(Block(1))); // 1 is now the most recent, 2 the least
        Assert.Equal("block 3", cache.Get(Block(3))); // evicts 2
        Assert.Equal("block 1", cache.Get(Block(1)));
        Assert.Equal("block 2", cache.Get(Block(2)));
        Assert.Equal([1, 2, 3, 2], loads);

        // An unknown block is not remembered: once it exists it is found.
        Assert.Null(cache.Get(Block(9)));
        known[Block(9)] = 9;
        Assert.Equal("block 9", cache.Get(Block(9)));
    }
}
