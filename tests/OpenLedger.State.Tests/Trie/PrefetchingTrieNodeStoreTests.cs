using FsCheck.Xunit;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.State.Tests.Support;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

/// <summary>
/// Warming a <see cref="PrefetchingTrieNodeStore"/> reads exactly the committed nodes a secure trie needs for the
/// warmed keys, under their own hashes; tries reading through it see the same values and compute the same roots as
/// tries reading the store directly, and need no further store reads for warmed keys.
/// </summary>
public class PrefetchingTrieNodeStoreTests
{
    [Property(MaxTest = 40)]
    public void WarmedPaths_HoldOnlyTheStoresNodesUnderTheirHashes_AndTriesThroughThemMatchPlainTries(int seed, bool withCache)
    {
        var random = new Random(seed);
        var inner = new CountingNodeStore();
        var cache = withCache ? new TrieNodeCache(maxDepth: 1 + random.Next(4), capacity: 10_000) : null;
        var keys = Enumerable.Range(0, 50 + random.Next(400)).Select(_ => RandomBytes(random, 20)).ToList();
        var contents = new Dictionary<string, byte[]>();
        var setup = new SecureTrie(inner.Nodes, Hash256.EmptyTrieRoot, cache);
        foreach (var key in keys)
        {
            var value = RandomBytes(random, 1 + random.Next(70));
            setup.Set(key, value);
            contents[Convert.ToHexString(key)] = value;
        }
        var root = setup.Commit(inner.Nodes);

        // Present and absent keys, some twice.
        var warmedKeys = keys.Where(_ => random.Next(2) == 0)
            .Concat(Enumerable.Range(0, 1 + random.Next(20)).Select(_ => RandomBytes(random, 20)))
            .ToList();
        warmedKeys.AddRange(warmedKeys.Take(3).ToList());
        var prefetching = new PrefetchingTrieNodeStore(inner, cache);
        foreach (var key in warmedKeys) prefetching.WarmSecurePath(root, key);

        foreach (var (hash, rlp) in prefetching.Warmed)
        {
            Assert.Equal(hash, Keccak256.Hash(rlp));
            Assert.Equal(inner.Nodes.Get(hash), rlp);
        }

        // Everything a trie reads for the warmed keys was warmed (apart from what the cache holds).
        var readsBefore = inner.Reads;
        var warmedTrie = new SecureTrie(prefetching, root, cache);
        var plainTrie = new SecureTrie(inner.Nodes, root);
        foreach (var key in warmedKeys)
        {
            var expected = contents.TryGetValue(Convert.ToHexString(key), out var value) ? value : null;
            Assert.Equal(expected, warmedTrie.Get(key));
        }
        Assert.Equal(readsBefore, inner.Reads);
        foreach (var key in warmedKeys) Assert.Equal(plainTrie.Get(key), warmedTrie.Get(key));

        // The same changes through both give the same root (and the reference root of the new contents).
        foreach (var key in warmedKeys.Where(_ => random.Next(2) == 0))
        {
            var value = RandomBytes(random, 1 + random.Next(70));
            warmedTrie.Set(key, value);
            plainTrie.Set(key, value);
            contents[Convert.ToHexString(key)] = value;
        }
        Assert.Equal(plainTrie.RootHash, warmedTrie.RootHash);
        Assert.Equal(
            ReferenceTrieRoot.Compute(contents.Select(e => new KeyValuePair<byte[], byte[]>(Keccak256.HashToArray(Convert.FromHexString(e.Key)), e.Value))),
            warmedTrie.RootHash);
    }

    [Fact]
    public void ANodeMissingFromTheStore_EndsTheWarmQuietly_AndTheTrieStillReportsIt()
    {
        var nodes = new MemoryTrieNodeStore();
        var trie = new SecureTrie(nodes);
        var random = new Random(5);
        var keys = Enumerable.Range(0, 200).Select(_ => RandomBytes(random, 20)).ToList();
        foreach (var key in keys) trie.Set(key, RandomBytes(random, 40));
        var root = trie.Commit(nodes);
        var prefetching = new PrefetchingTrieNodeStore(new MissingRootStore(nodes, root));

        Assert.Equal(0, prefetching.WarmSecurePath(root, keys[0]));
        Assert.Equal(0, prefetching.WarmedCount);
        Assert.Throws<TrieException>(() => new SecureTrie(prefetching, root).Get(keys[0]));
    }

    [Fact]
    public void WarmingFromTheEmptyRoot_ReadsNothing()
    {
        var inner = new CountingNodeStore();
        var prefetching = new PrefetchingTrieNodeStore(inner);
        Assert.Equal(0, prefetching.WarmSecurePath(Hash256.EmptyTrieRoot, [1, 2, 3]));
        Assert.Equal(0, inner.Reads);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private sealed class CountingNodeStore : ITrieNodeStore
    {
        private int _reads;

        public MemoryTrieNodeStore Nodes { get; } = new();

        public int Reads => Volatile.Read(ref _reads);

        public byte[]? Get(Hash256 nodeHash)
        {
            Interlocked.Increment(ref _reads);
            return Nodes.Get(nodeHash);
        }
    }

    private sealed class MissingRootStore(MemoryTrieNodeStore nodes, Hash256 missing) : ITrieNodeStore
    {
        public byte[]? Get(Hash256 nodeHash) => nodeHash == missing ? null : nodes.Get(nodeHash);
    }
}
