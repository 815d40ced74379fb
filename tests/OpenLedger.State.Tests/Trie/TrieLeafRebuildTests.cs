using FsCheck.Xunit;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.State.Tests.Support;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

/// <summary>
/// Setting a key with its current value known (<see cref="SecureTrie.Set(ReadOnlySpan{byte}, ReadOnlySpan{byte}, byte[])"/>)
/// rebuilds the key's leaf instead of reading it. Whatever the caller claims the current value is, the roots and the
/// committed nodes are those of a plain trie; a true claim saves exactly the reads of the rebuilt leaves, a false one
/// saves nothing.
/// </summary>
public class TrieLeafRebuildTests
{
    [Property(MaxTest = 60)]
    public void SettingWithKnownCurrentValues_GivesThePlainTriesRootsAndNodes_AndSavesExactlyTheLeafReads(int seed, bool withCache)
    {
        var random = new Random(seed);
        var store = new CountingTrieNodeStore();
        var keys = Enumerable.Range(0, 1 + random.Next(600)).Select(_ => RandomBytes(random, 20)).ToList();
        var contents = new Dictionary<string, byte[]>();
        var setup = new SecureTrie(store.Nodes);
        foreach (var key in keys)
        {
            var value = RandomBytes(random, 1 + random.Next(90));
            setup.Set(key, value);
            contents[Convert.ToHexString(key)] = value;
        }
        var root = setup.Commit(store.Nodes);

        // Existing keys (with true, false or no claims) and new keys (with a claim that cannot be true).
        var changes = keys.Where(_ => random.Next(3) == 0)
            .Concat(Enumerable.Range(0, random.Next(10)).Select(_ => RandomBytes(random, 20)))
            .Select(key => (Key: key, Value: RandomBytes(random, 1 + random.Next(90)), Claim: random.Next(4)))
            .ToList();
        byte[]? ClaimFor(byte[] key, int kind)
        {
            contents.TryGetValue(Convert.ToHexString(key), out var current);
            switch (kind)
            {
                case 0: return null;
                case 1: return RandomBytes(random, 1 + random.Next(90));
                default: return current ?? RandomBytes(random, 30);
            }
        }

        var cache = withCache ? new TrieNodeCache(maxDepth: 1 + random.Next(3), capacity: 10_000) : null;
        var plain = new SecureTrie(store, root, cache);
        var readsBefore = store.Reads;
        foreach (var (key, value, _) in changes) plain.Set(key, value);
        var plainRoot = plain.RootHash;
        var plainReads = store.Reads - readsBefore;

        var informedCache = withCache ? new TrieNodeCache(cache!.MaxDepth, cache.Capacity) : null;
        var informed = new SecureTrie(store, root, informedCache);
        readsBefore = store.Reads;
        foreach (var (key, value, claim) in changes)
        {
            informed.Set(key, value, ClaimFor(key, claim));
            contents[Convert.ToHexString(key)] = value;
        }
        var informedReads = store.Reads - readsBefore;

        Assert.Equal(plainRoot, informed.RootHash);
        Assert.Equal(ReferenceTrieRoot.Compute(contents.Select(e => new KeyValuePair<byte[], byte[]>(Keccak256.HashToArray(Convert.FromHexString(e.Key)), e.Value))),
            informed.RootHash);
        // Each node is read at most once by a trie (it keeps what it loaded): a rebuilt leaf is exactly one read fewer.
        Assert.Equal(plainReads, informedReads + informed.RebuiltLeaves);
        if (changes.All(c => c.Claim == 0)) Assert.Equal(0, informed.RebuiltLeaves);

        // Both commit the same nodes.
        var plainSink = new MemoryTrieNodeStore();
        var informedSink = new MemoryTrieNodeStore();
        Assert.Equal(plain.Commit(plainSink), informed.Commit(informedSink));
        Assert.Equal(plainSink.Count, informedSink.Count);
    }

    [Fact]
    public void ATrueClaimAboutAKeyBelowABranch_RebuildsItsLeaf_AndAFalseOneReadsIt()
    {
        var store = new CountingTrieNodeStore();
        var random = new Random(11);
        var keys = Enumerable.Range(0, 300).Select(_ => RandomBytes(random, 20)).ToList();
        var values = keys.ToDictionary(Convert.ToHexString, _ => RandomBytes(random, 70));
        var setup = new SecureTrie(store.Nodes);
        foreach (var key in keys) setup.Set(key, values[Convert.ToHexString(key)]);
        var root = setup.Commit(store.Nodes);

        var informed = new SecureTrie(store, root);
        var before = store.Reads;
        informed.Set(keys[7], RandomBytes(random, 70), values[Convert.ToHexString(keys[7])]);
        var informedReads = store.Reads - before;
        Assert.Equal(1, informed.RebuiltLeaves);

        var misinformed = new SecureTrie(store, root);
        before = store.Reads;
        misinformed.Set(keys[7], RandomBytes(random, 70), RandomBytes(random, 70));
        Assert.Equal(0, misinformed.RebuiltLeaves);
        Assert.Equal(informedReads + 1, store.Reads - before);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
