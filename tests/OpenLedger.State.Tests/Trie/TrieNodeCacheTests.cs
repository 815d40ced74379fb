using FsCheck.Xunit;
using OpenLedger.Core.Types;
using OpenLedger.State.Tests.Support;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

/// <summary>
/// Tries that share a <see cref="TrieNodeCache"/> across "blocks" (open at the previous root, change, commit) must
/// give exactly the roots and contents of tries without one, including when other tries open the same committed
/// state through the cache, change it and are thrown away (a validated proposal that is not committed).
/// </summary>
public class TrieNodeCacheTests
{
    [Property(MaxTest = 120)]
    public void BlocksThroughASharedCache_GiveTheRootsOfUncachedTries_AndDiscardedTriesLeaveOnlyCommittedNodes(
        byte[][] rawKeys, byte[][] rawValues, int seed)
    {
        var entries = TrieEntries.From(rawKeys, rawValues);
        var random = new Random(seed);
        var store = new MemoryTrieNodeStore();
        var cache = new TrieNodeCache(maxDepth: 1 + random.Next(6), capacity: 1_000);
        var contents = new Dictionary<string, KeyValuePair<byte[], byte[]>>();
        var root = Hash256.EmptyTrieRoot;

        for (var block = 0; block < 6; block++)
        {
            // A proposal executed on the committed state and then discarded.
            var discarded = new PatriciaTrie(store, root, cache);
            foreach (var (key, value) in Pick(entries, random)) discarded.Set(key, [.. value, 0xdd]);
            foreach (var (key, _) in Pick(entries, random)) discarded.Delete(key);
            _ = discarded.RootHash;
            AssertOnlyCommittedNodesCached(cache, store);

            var trie = new PatriciaTrie(store, root, cache);
            foreach (var (key, value) in Pick(entries, random))
            {
                var changed = random.Next(3) == 0 ? [.. value, (byte)block] : value;
                trie.Set(key, changed);
                contents[Convert.ToHexString(key)] = new(key, changed);
            }
            foreach (var (key, _) in Pick(entries, random))
            {
                trie.Delete(key);
                contents.Remove(Convert.ToHexString(key));
            }
            root = trie.Commit(store);

            Assert.Equal(ReferenceTrieRoot.Compute(contents.Values.ToList()), root);
            AssertOnlyCommittedNodesCached(cache, store);
            Assert.True(cache.Count <= cache.Capacity);

            var cached = new PatriciaTrie(store, root, cache);
            var uncached = new PatriciaTrie(store, root);
            foreach (var (key, _) in entries)
            {
                var expected = contents.TryGetValue(Convert.ToHexString(key), out var entry) ? entry.Value : null;
                Assert.Equal(expected, cached.Get(key));
                Assert.Equal(expected, uncached.Get(key));
            }
        }
    }

    [Fact]
    public void ACommitDropsTheVersionsItReplaces_SoTheCacheHoldsNoMoreThanTheCommittedUpperNodes()
    {
        var store = new MemoryTrieNodeStore();
        var cache = new TrieNodeCache(maxDepth: 3, capacity: 100_000);
        var random = new Random(7);
        var keys = Enumerable.Range(0, 3_000).Select(_ => RandomBytes(random, 32)).ToList();
        var trie = new PatriciaTrie(store, Hash256.EmptyTrieRoot, cache);
        foreach (var key in keys) trie.Set(key, RandomBytes(random, 40));
        var root = trie.Commit(store);
        // Depths 0-2 of a 3,000-key random trie: 1 + 16 + 256 branches.
        Assert.Equal(273, cache.Count);

        for (var block = 0; block < 20; block++)
        {
            trie = new PatriciaTrie(store, root, cache);
            foreach (var key in keys.OrderBy(_ => random.Next()).Take(100)) trie.Set(key, RandomBytes(random, 40));
            root = trie.Commit(store);
            Assert.Equal(273, cache.Count);
            Assert.Equal(0, cache.Resets);
        }
    }

    [Fact]
    public void AFullCacheEmptiesItself_InsteadOfGrowing()
    {
        var store = new MemoryTrieNodeStore();
        var cache = new TrieNodeCache(maxDepth: 64, capacity: 50);
        var random = new Random(3);
        var trie = new PatriciaTrie(store, Hash256.EmptyTrieRoot, cache);
        var expected = new List<KeyValuePair<byte[], byte[]>>();
        for (var i = 0; i < 500; i++)
        {
            var entry = new KeyValuePair<byte[], byte[]>(RandomBytes(random, 32), RandomBytes(random, 40));
            expected.Add(entry);
            trie.Set(entry.Key, entry.Value);
        }
        var root = trie.Commit(store);
        Assert.Equal(ReferenceTrieRoot.Compute(expected), root);
        Assert.True(cache.Count <= 50);
        Assert.True(cache.Resets > 0);
        var reopened = new PatriciaTrie(store, root, cache);
        foreach (var (key, value) in expected) Assert.Equal(value, reopened.Get(key));
    }

    private static void AssertOnlyCommittedNodesCached(TrieNodeCache cache, MemoryTrieNodeStore store)
    {
        foreach (var hash in cache.Hashes) Assert.NotNull(store.Get(hash));
    }

    private static List<KeyValuePair<byte[], byte[]>> Pick(List<KeyValuePair<byte[], byte[]>> entries, Random random) =>
        entries.Where(_ => random.Next(3) == 0).ToList();

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
