using FsCheck.Xunit;
using OpenLedger.Chain.Tests.Support;
using OpenLedger.Core.Types;
using OpenLedger.Execution.State;
using OpenLedger.Execution.StateTrie;
using OpenLedger.State.Trie;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.Chain.Tests.Chain;

/// <summary>
/// <see cref="TrieStateBackend.PrefetchAccounts"/> loads the flat rows and trie paths of a block's accounts ahead of
/// time. What it loaded must be the committed state: reads and roots equal those of a backend that reads the trie
/// directly, and once the prefetch is complete, reading and changing the prefetched accounts needs no database read.
/// </summary>
public class StatePrefetchTests
{
    [Property(MaxTest = 8)]
    public void PrefetchedAccounts_ReadAndApplyLikeThePlainTrie_WithoutFurtherDatabaseReads(int seed)
    {
        var random = new Random(seed);
        var db = new CountingKeyValueStore(new MemoryStore());
        using var chain = new TestChain(db);
        var created = Enumerable.Range(0, 40).Select(i => Address.FromUInt64((ulong)(0x7000 + random.Next(1_000_000)))).Distinct().ToList();
        for (var height = 0; height < 3; height++)
        {
            foreach (var user in TestChain.Users)
                chain.Submit(chain.Transfer(user, created[random.Next(created.Count)], Wei.FromOpen((ulong)(1 + random.Next(9)))));
            chain.ProduceBlock();
        }
        var root = chain.Chain.Head.StateRoot;
        var nodes = new KeyValueTrieNodeStore(db);
        var flat = new FlatAccountTable(db);
        flat.MarkAt(root);

        // Existing accounts, accounts that do not exist, and repeats, in a random order.
        var addresses = TestChain.Users.Select(u => u.Address).Concat(created)
            .Concat(Enumerable.Range(0, 10).Select(i => Address.FromUInt64((ulong)(0x9_0000 + random.Next(1_000_000)))))
            .OrderBy(_ => random.Next()).ToList();
        addresses.AddRange(addresses.Take(5).ToList());

        var prefetched = new TrieStateBackend(nodes, root, new TrieNodeCache(), flat);
        prefetched.PrefetchAccounts(addresses);
        prefetched.CompletePrefetch();
        var plain = new TrieStateBackend(nodes, root);

        var expected = addresses.Select(plain.GetStateAccount).ToList();
        var changes = addresses.Distinct().Where(_ => random.Next(3) > 0)
            .ToDictionary(a => a, a => (AccountRecord?)new AccountRecord((ulong)random.Next(100), (UInt128)random.Next(1_000_000)));
        var noStorage = new Dictionary<(Address, Hash256), byte[]>();
        var expectedRoot = plain.Apply(changes, noStorage);

        var readsBefore = db.TotalReads;
        Assert.Equal(expected, addresses.Select(prefetched.GetStateAccount).ToList());
        var prefetchedRoot = prefetched.Apply(changes, noStorage);
        Assert.Equal(readsBefore, db.TotalReads);
        Assert.Equal(expectedRoot, prefetchedRoot);
    }

    [Fact]
    public void APrefetchStoppedByApply_LeavesTheSameRoot()
    {
        using var chain = new TestChain();
        foreach (var user in TestChain.Users) chain.Submit(chain.Transfer(user, Address.FromUInt64(0x4242), Wei.FromOpen(1)));
        chain.ProduceBlock();
        var root = chain.Chain.Head.StateRoot;
        var nodes = new KeyValueTrieNodeStore(chain.Db);
        var flat = new FlatAccountTable(chain.Db);
        flat.MarkAt(root);
        var addresses = Enumerable.Range(0, 2_000).Select(i => Address.FromUInt64((ulong)(0x10_0000 + i))).ToList();
        var changes = addresses.Where((_, i) => i % 3 == 0).ToDictionary(a => a, a => (AccountRecord?)new AccountRecord(1, 7));
        var noStorage = new Dictionary<(Address, Hash256), byte[]>();

        var prefetched = new TrieStateBackend(nodes, root, new TrieNodeCache(), flat);
        prefetched.PrefetchAccounts(addresses);
        // Apply right away: it meets the prefetch somewhere in the middle and stops it.
        var prefetchedRoot = prefetched.Apply(changes, noStorage);
        Assert.Equal(new TrieStateBackend(nodes, root).Apply(changes, noStorage), prefetchedRoot);
    }
}
