using FsCheck.Xunit;
using OpenLedger.Core.Types;
using OpenLedger.State.Tests.Support;
using OpenLedger.State.Trie;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

public class TriePropertyTests
{
    [Property(MaxTest = 150)]
    public void Root_DependsOnlyOnTheContents_NotOnInsertionOrderOrIntermediateHashing(byte[][] rawKeys, byte[][] rawValues, int seed)
    {
        var entries = TrieEntries.From(rawKeys, rawValues);
        var expected = ReferenceTrieRoot.Compute(entries);

        var inOrder = new PatriciaTrie(new MemoryTrieNodeStore());
        foreach (var (key, value) in entries) inOrder.Set(key, value);
        Assert.Equal(expected, inOrder.RootHash);

        // Shuffled, hashing after every step, overwriting each value once: the caches must never go stale.
        var shuffled = new PatriciaTrie(new MemoryTrieNodeStore());
        foreach (var (key, value) in TrieEntries.Shuffled(entries, seed))
        {
            shuffled.Set(key, [.. value, 0xee]);
            _ = shuffled.RootHash;
            shuffled.Set(key, value);
            _ = shuffled.RootHash;
        }
        Assert.Equal(expected, shuffled.RootHash);
        foreach (var (key, value) in entries) Assert.Equal(value, shuffled.Get(key));
    }

    [Property(MaxTest = 150)]
    public void DeletingKeys_GivesTheRootOfTheRemainingContents_AndDeletingAllGivesTheEmptyRoot(byte[][] rawKeys, byte[][] rawValues, int seed)
    {
        var entries = TrieEntries.From(rawKeys, rawValues);
        var trie = new PatriciaTrie(new MemoryTrieNodeStore());
        foreach (var (key, value) in entries) trie.Set(key, value);
        _ = trie.RootHash;

        var order = TrieEntries.Shuffled(entries, seed);
        var half = order.Count / 2;
        var removed = order.Take(half).ToList();
        var kept = order.Skip(half).ToList();
        foreach (var (key, _) in removed)
        {
            if (key.Length % 2 == 0) trie.Delete(key);
            else trie.Set(key, []);
            _ = trie.RootHash;
        }
        Assert.Equal(ReferenceTrieRoot.Compute(kept), trie.RootHash);
        foreach (var (key, _) in removed) Assert.Null(trie.Get(key));
        foreach (var (key, value) in kept) Assert.Equal(value, trie.Get(key));

        foreach (var (key, _) in kept) trie.Delete(key);
        Assert.Equal(Hash256.EmptyTrieRoot, trie.RootHash);
    }

    [Property(MaxTest = 100)]
    public void Proofs_ProvePresentKeysAndAbsentKeys_AndTamperingIsDetected(byte[][] rawKeys, byte[][] rawValues, byte[][] rawProbes, int seed)
    {
        var entries = TrieEntries.From(rawKeys, rawValues);
        var trie = new PatriciaTrie(new MemoryTrieNodeStore());
        foreach (var (key, value) in entries) trie.Set(key, value);
        var root = trie.RootHash;
        var random = new Random(seed);

        foreach (var (key, value) in entries)
        {
            var proof = trie.GetProof(key);
            Assert.True(TrieProof.TryVerify(root, key, proof, out var proven, out var error), error);
            Assert.Equal(value, proven);

            var tampered = proof.Select(n => n.ToArray()).ToList();
            var node = random.Next(tampered.Count);
            tampered[node][random.Next(tampered[node].Length)] ^= (byte)(1 + random.Next(255));
            Assert.False(TrieProof.TryVerify(root, key, tampered, out var notProven, out var tamperError));
            Assert.Null(notProven);
            Assert.NotEmpty(tamperError);

            Assert.False(TrieProof.TryVerify(root, key, proof.Take(proof.Count - 1).ToList(), out _, out _));
            Assert.False(TrieProof.TryVerify(root, key, [.. proof, proof[0]], out _, out _));
        }

        var present = entries.Select(e => Convert.ToHexString(e.Key)).ToHashSet();
        foreach (var probe in (rawProbes ?? []).Select(TrieEntries.KeyFrom).Where(k => !present.Contains(Convert.ToHexString(k))))
        {
            var proof = trie.GetProof(probe);
            Assert.True(TrieProof.TryVerify(root, probe, proof, out var proven, out var error), error);
            Assert.Null(proven);
        }
    }

    [Property(MaxTest = 100)]
    public void CommittedTrie_ReopenedAtItsRoot_ReadsTheSameValues_AndOldRootsKeepTheirState(byte[][] rawKeys, byte[][] rawValues, int seed)
    {
        var entries = TrieEntries.From(rawKeys, rawValues);
        var store = new MemoryTrieNodeStore();
        var trie = new PatriciaTrie(store);
        foreach (var (key, value) in entries) trie.Set(key, value);
        var firstRoot = trie.Commit(store);

        var reopened = new PatriciaTrie(store, firstRoot);
        Assert.Equal(firstRoot, reopened.RootHash);
        foreach (var (key, value) in entries) Assert.Equal(value, reopened.Get(key));
        var ordered = entries.OrderBy(e => Convert.ToHexString(e.Key), StringComparer.Ordinal).ToList();
        Assert.Equal(ordered.Select(e => e.Key), reopened.Enumerate().Select(e => e.Key));

        // Change the reopened trie: half the keys get new values, a quarter are deleted.
        var changed = new Dictionary<string, byte[]?>();
        foreach (var (key, _) in TrieEntries.Shuffled(entries, seed).Take(entries.Count * 3 / 4))
        {
            var id = Convert.ToHexString(key);
            if (changed.Count % 3 == 0)
            {
                reopened.Delete(key);
                changed[id] = null;
            }
            else
            {
                byte[] value = [.. key, 0x42];
                reopened.Set(key, value);
                changed[id] = value;
            }
        }
        var secondRoot = reopened.Commit(store);

        var old = new PatriciaTrie(store, firstRoot);
        foreach (var (key, value) in entries) Assert.Equal(value, old.Get(key));
        var current = new PatriciaTrie(store, secondRoot);
        foreach (var (key, value) in entries)
            Assert.Equal(changed.TryGetValue(Convert.ToHexString(key), out var now) ? now : value, current.Get(key));
    }
}
