using FsCheck.Xunit;
using OpenLedger.Chain.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Datanets;
using OpenLedger.Execution.Modules.Governance;
using OpenLedger.Execution.Modules.Models;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.StateTrie;
using OpenLedger.State.Trie;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.Chain.Tests.Chain;

/// <summary>
/// Block execution reads accounts from the flat account table and keeps decoded trie nodes between blocks. Neither
/// may change a root: checked against the committed trie read without any cache, against a follower that
/// re-executes every block, against blocks built and thrown away in between, and across a reopen of the database.
/// </summary>
public class ExecutionStateCacheTests
{
    private static ModuleRegistry Modules() =>
        new([new StakingModule(), new DatanetsModule(), new ModelsModule(), new GovernanceModule()]);

    [Property(MaxTest = 6)]
    public void RandomBlocks_WithDiscardedProposals_KeepFlatTableTrieAndRootsInStep(int seed)
    {
        var random = new Random(seed);
        using var producer = new TestChain(modules: Modules());
        using var follower = new TestChain(modules: Modules());
        var recipients = Enumerable.Range(0, 6).Select(i => Address.FromUInt64((ulong)(0x5000 + random.Next(1_000_000)))).ToList();

        for (var height = 1; height <= 5; height++)
        {
            var head = producer.Chain.Head;
            var lastCommit = producer.Chain.Store.GetCommit(head.Number) ?? Commit.Empty;
            var cachedBefore = producer.Chain.NodeCache.Hashes.ToHashSet();

            // A proposal of other transfers, executed and then not committed (another round's block wins).
            var otherTxs = TestChain.Users.Take(1 + random.Next(TestChain.Users.Length))
                .Select(u => producer.Transfer(u, recipients[random.Next(recipients.Count)], Wei.FromOpen((ulong)(1 + random.Next(50)))))
                .ToList();
            var discarded = producer.Chain.BuildBlock(head.TimestampMs + 400, TestChain.ValidatorConsensus.Address, lastCommit, otherTxs, []);
            Assert.Equal(otherTxs.Count, discarded.Block.Transactions.Count);
            // It may cache nodes of the committed state it read, never nodes of its own, and it removes none.
            Assert.Superset(cachedBefore, producer.Chain.NodeCache.Hashes.ToHashSet());
            foreach (var hash in producer.Chain.NodeCache.Hashes) Assert.NotNull(producer.Db.Get(DbColumn.TrieNodes, hash.Bytes));

            foreach (var user in TestChain.Users.Where(_ => random.Next(2) == 0))
                producer.Submit(producer.Transfer(user, recipients[random.Next(recipients.Count)], Wei.FromOpen((ulong)(1 + random.Next(50)))));
            var produced = producer.ProduceBlock();

            AssertFlatTableEqualsTrie(producer);
            AssertStoredTrieHashesToTheHeadRoot(producer);
            Assert.True(SupplyAudit.TryCheck(producer.Chain.StateAt(), producer.Genesis.TotalSupply, out var error), error);
            Assert.True(producer.Chain.NodeCache.Count <= producer.Chain.NodeCache.Capacity);

            var replayed = follower.Chain.ExecuteBlock(Block.Decode(produced.Encoded));
            follower.Chain.CommitBlock(replayed, producer.Chain.Store.GetCommit(produced.Block.Number)!);
            Assert.Equal(producer.Chain.Head.StateRoot, follower.Chain.Head.StateRoot);
        }
    }

    [Fact]
    public void AReopenedChain_BuildsTheSameBlockAsTheRunningOne()
    {
        var db = new MemoryStore();
        var running = new TestChain(db, modules: Modules());
        for (var i = 0; i < 3; i++)
        {
            running.Submit(running.Transfer(TestChain.Users[i], TestChain.Users[i + 1].Address, Wei.FromOpen(2)));
            running.ProduceBlock();
        }
        Assert.True(running.Chain.NodeCache.Count > 0);

        var head = running.Chain.Head;
        var lastCommit = running.Chain.Store.GetCommit(head.Number)!;
        var txs = new[] { running.Transfer(TestChain.Users[4], TestChain.Users[0].Address, Wei.FromOpen(5)) };
        var warm = running.Chain.BuildBlock(head.TimestampMs + 500, TestChain.ValidatorConsensus.Address, lastCommit, txs, []);

        var reopened = Blockchain.Open(db, running.Genesis, Modules());
        Assert.Equal(0, reopened.NodeCache.Count);
        var cold = reopened.BuildBlock(head.TimestampMs + 500, TestChain.ValidatorConsensus.Address, lastCommit, txs, []);
        Assert.Equal(warm.Block.Header.StateRoot, cold.Block.Header.StateRoot);
        Assert.Equal(warm.Block.Hash, cold.Block.Hash);

        reopened.CommitBlock(cold, running.SignCommit(cold.Block));
        Assert.Equal(warm.Block.Header.StateRoot, reopened.Head.StateRoot);
    }

    [Fact]
    public void AWarmedNodeCache_HoldsOnlyStoredNodes_AndTheChainBuildsTheSameBlock()
    {
        var db = new MemoryStore();
        var running = new TestChain(db, modules: Modules());
        for (var i = 0; i < 3; i++)
        {
            running.Submit(running.Transfer(TestChain.Users[i], TestChain.Users[i + 1].Address, Wei.FromOpen(2)));
            running.ProduceBlock();
        }
        var head = running.Chain.Head;
        var lastCommit = running.Chain.Store.GetCommit(head.Number)!;
        var txs = new[] { running.Transfer(TestChain.Users[4], TestChain.Users[0].Address, Wei.FromOpen(5)) };
        var expected = running.Chain.BuildBlock(head.TimestampMs + 500, TestChain.ValidatorConsensus.Address, lastCommit, txs, []);

        var reopened = Blockchain.Open(db, running.Genesis, Modules());
        var read = reopened.WarmNodeCache();
        Assert.True(read > 0);
        Assert.Equal(read, reopened.NodeCache.Count);
        Assert.True(reopened.NodeCache.Contains(head.StateRoot));
        foreach (var hash in reopened.NodeCache.Hashes) Assert.NotNull(db.Get(DbColumn.TrieNodes, hash.Bytes));
        // Warming again finds everything in place.
        Assert.Equal(0, reopened.WarmNodeCache());
        // A cancelled warm reads nothing.
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Equal(0, Blockchain.Open(db, running.Genesis, Modules()).WarmNodeCache(cancelled.Token));

        var built = reopened.BuildBlock(head.TimestampMs + 500, TestChain.ValidatorConsensus.Address, lastCommit, txs, []);
        Assert.Equal(expected.Block.Hash, built.Block.Hash);
        reopened.CommitBlock(built, running.SignCommit(built.Block));
        Assert.Equal(expected.Block.Header.StateRoot, reopened.Head.StateRoot);
        var stored = new PatriciaTrie(new KeyValueTrieNodeStore(db), reopened.Head.StateRoot);
        var rebuilt = new PatriciaTrie(new MemoryTrieNodeStore());
        foreach (var (key, value) in stored.Enumerate()) rebuilt.Set(key, value);
        Assert.Equal(reopened.Head.StateRoot, rebuilt.RootHash);
    }

    /// <summary>Every row of the flat table is the account the trie holds at the head (read without caches), and vice versa.</summary>
    private static void AssertFlatTableEqualsTrie(TestChain t)
    {
        var flat = t.Db.Iterate(DbColumn.FlatState)
            .ToDictionary(row => Keccak256.Hash(row.Key), row => StateAccount.Decode(row.Value));
        var trie = new TrieStateBackend(new KeyValueTrieNodeStore(t.Db), t.Chain.Head.StateRoot).EnumerateAccounts()
            .ToDictionary(entry => entry.AddressHash, entry => entry.Account);
        Assert.Equal(trie.Count, flat.Count);
        foreach (var (hash, account) in trie) Assert.Equal(account, flat[hash]);
    }

    /// <summary>The account trie in the store, read back in full and rebuilt from scratch, gives the head's root.</summary>
    private static void AssertStoredTrieHashesToTheHeadRoot(TestChain t)
    {
        var stored = new PatriciaTrie(new KeyValueTrieNodeStore(t.Db), t.Chain.Head.StateRoot);
        var rebuilt = new PatriciaTrie(new MemoryTrieNodeStore());
        foreach (var (key, value) in stored.Enumerate()) rebuilt.Set(key, value);
        Assert.Equal(t.Chain.Head.StateRoot, rebuilt.RootHash);
    }
}
