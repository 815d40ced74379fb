using FsCheck.Xunit;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.State.Tests.Support;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

/// <summary>
/// <see cref="TrieNodeCache.Warm"/> loads exactly the committed nodes a trie would otherwise read for the cached
/// levels: a trie over the warmed cache reads every other node and none of those, sees the same values and
/// computes the same roots as a trie without a cache. The warm respects its limit and stops when told to.
/// </summary>
public class TrieNodeCacheWarmTests
{
    [Property(MaxTest = 40)]
    public void AWarmedCache_SavesExactlyTheWarmedReads_AndChangesNoValueOrRoot(int seed)
    {
        var random = new Random(seed);
        var store = new CountingTrieNodeStore();
        var keys = Enumerable.Range(0, random.Next(800)).Select(_ => RandomBytes(random, 20)).ToList();
        var setup = new SecureTrie(store.Nodes);
        foreach (var key in keys) setup.Set(key, RandomBytes(random, 1 + random.Next(80)));
        var root = setup.Commit(store.Nodes);

        // Sometimes too small for all the levels: the warm stops at its limit.
        var limited = random.Next(2) == 0;
        var cache = new TrieNodeCache(maxDepth: random.Next(5), capacity: limited ? 8 + random.Next(200) : 10_000);
        var warmed = cache.Warm(store, root);
        Assert.Equal(cache.Count, warmed);
        Assert.True(cache.Count <= cache.WarmLimit);
        foreach (var hash in cache.Hashes) Assert.NotNull(store.Nodes.Get(hash));

        var cold = new SecureTrie(store, root);
        var before = store.Reads;
        var coldValues = keys.Select(key => cold.Get(key)).ToList();
        var coldReads = store.Reads - before;

        var warm = new SecureTrie(store, root, cache);
        before = store.Reads;
        var warmValues = keys.Select(key => warm.Get(key)).ToList();
        // (A cache at its limit may be emptied by the nodes the trie adds itself, and then saves fewer reads.)
        if (limited) Assert.InRange(store.Reads - before, coldReads - warmed, coldReads);
        else Assert.Equal(coldReads - warmed, store.Reads - before);
        Assert.Equal(coldValues, warmValues);

        foreach (var key in keys.Where(_ => random.Next(3) == 0).Concat([RandomBytes(random, 20)]))
        {
            var value = RandomBytes(random, 1 + random.Next(80));
            cold.Set(key, value);
            warm.Set(key, value);
        }
        Assert.Equal(cold.RootHash, warm.RootHash);
    }

    [Fact]
    public void TheWarmFillsLevelsFromTheRoot_AndStopsWhenToldTo()
    {
        var store = new CountingTrieNodeStore();
        var random = new Random(3);
        var setup = new SecureTrie(store.Nodes);
        for (var i = 0; i < 5_000; i++) setup.Set(RandomBytes(random, 20), RandomBytes(random, 40));
        var root = setup.Commit(store.Nodes);

        // 5,000 keys fill the first two levels (1 + 16 branches) and nearly all 256 of the third.
        var full = new TrieNodeCache(maxDepth: 3, capacity: 10_000);
        Assert.InRange(full.Warm(store, root), 1 + 16 + 250, 1 + 16 + 256);
        Assert.True(full.Contains(root));

        var stopped = new TrieNodeCache(maxDepth: 3, capacity: 10_000);
        var asked = 0;
        Assert.Equal(10, stopped.Warm(store, root, () => ++asked <= 10));
        Assert.True(stopped.Contains(root));

        Assert.Equal(0, new TrieNodeCache().Warm(store, Hash256.EmptyTrieRoot));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
