using OpenLedger.Chain.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Processing;
using OpenLedger.Execution.TxPool;
using Xunit;

namespace OpenLedger.Chain.Tests.TxPool;

/// <summary>
/// Senders are recovered once per transaction per node: at admission (in parallel for a batch), and block
/// execution — including a peer re-executing a proposal decoded into new objects — reads them from the cache.
/// </summary>
public class SenderCacheTests
{
    private static readonly Address Sink = Address.FromUInt64(0x51c);

    private static List<Transaction> Transfers(TestChain t, int perUser)
    {
        var txs = new List<Transaction>();
        for (ulong nonce = 0; nonce < (ulong)perUser; nonce++)
            foreach (var user in TestChain.Users)
                txs.Add(t.Transfer(user, Sink, 1, nonce: nonce));
        return txs;
    }

    /// <summary>The same transactions as a peer receives them: decoded from the wire into new objects.</summary>
    private static List<Transaction> Redecoded(IEnumerable<Transaction> txs) => txs.Select(tx => Transaction.Decode(tx.Encoded)).ToList();

    [Fact]
    public void A_batch_recovers_each_sender_once_and_the_cached_sender_equals_the_recomputed_one()
    {
        using var t = new TestChain();
        var txs = Redecoded(Transfers(t, 20)); // 100 transactions, above the parallel threshold
        var rejections = t.Pool.AddBatch(txs, t.Chain.HeadAccounts);
        Assert.All(rejections, Assert.Null);
        Assert.Equal(txs.Count, t.Pool.Count);
        Assert.Equal(txs.Count, t.Chain.Senders.Recoveries);
        var hitsBefore = t.Chain.Senders.Hits;

        foreach (var tx in Redecoded(txs))
        {
            Assert.True(t.Chain.Senders.TryGetSender(tx, out var cached, out _));
            Assert.Equal(tx.RecoverSender(), cached);
        }
        Assert.Equal(txs.Count, t.Chain.Senders.Recoveries);
        Assert.Equal(txs.Count, t.Chain.Senders.Hits - hitsBefore);
    }

    [Fact]
    public void A_peer_validating_the_block_reuses_the_senders_it_recovered_at_admission()
    {
        using var proposer = new TestChain();
        using var peer = new TestChain();
        var txs = Transfers(proposer, 10);
        Assert.All(proposer.Pool.AddBatch(txs, proposer.Chain.HeadAccounts), Assert.Null);
        // Gossip: the peer admits its own decoded copies one message at a time.
        foreach (var tx in Redecoded(txs)) Assert.Null(peer.Pool.Add(tx, peer.Chain.HeadAccounts));
        Assert.Equal(txs.Count, peer.Chain.Senders.Recoveries);

        var built = proposer.ProduceBlock();
        Assert.Equal(txs.Count, built.Block.Transactions.Count);
        Assert.Equal(txs.Count, proposer.Chain.Senders.Recoveries); // building reused the admission results

        var proposal = Block.Decode(built.Encoded);
        var hitsBefore = peer.Chain.Senders.Hits;
        var executed = peer.Chain.ExecuteBlock(proposal);
        Assert.Equal(built.Block.Header.StateRoot, executed.Result.StateRoot);
        Assert.Equal(txs.Count, peer.Chain.Senders.Recoveries);
        Assert.True(peer.Chain.Senders.Hits - hitsBefore >= txs.Count);
        // Not through the cache either: the proposal's own objects never recovered (the includability rules used to
        // recover each one again, doubling a follower's signature work).
        Assert.All(proposal.Transactions, tx => Assert.False(tx.HasRecoveredSender));
        Assert.Equal(txs.Select(tx => tx.RecoverSender()), executed.Result.Receipts.Select(r => r.From));
    }

    [Fact]
    public void Admitting_a_second_copy_of_a_known_transaction_does_not_recover_its_sender_again()
    {
        using var t = new TestChain();
        var tx = t.Transfer(TestChain.Users[0], Sink, 1, nonce: 0);
        Assert.True(t.Chain.Senders.TryGetSender(Transaction.Decode(tx.Encoded), out _, out _)); // seen before, e.g. in a block
        var copy = Transaction.Decode(tx.Encoded);
        Assert.Null(t.Pool.Add(copy, t.Chain.HeadAccounts));
        Assert.False(copy.HasRecoveredSender);
        Assert.Equal(1, t.Chain.Senders.Recoveries);
    }

    [Fact]
    public void A_block_of_unknown_transactions_is_recovered_in_parallel_to_the_same_senders()
    {
        using var proposer = new TestChain();
        using var syncing = new TestChain();
        var txs = Transfers(proposer, 10);
        foreach (var tx in txs) proposer.Submit(tx);
        var built = proposer.ProduceBlock();

        var executed = syncing.Chain.ExecuteBlock(Block.Decode(built.Encoded));
        Assert.Equal(built.Block.Header.StateRoot, executed.Result.StateRoot);
        Assert.Equal(txs.Count, syncing.Chain.Senders.Recoveries);
        Assert.Equal(txs.Select(tx => tx.RecoverSender()), executed.Result.Receipts.Select(r => r.From));
    }

    [Fact]
    public void AddBatch_gives_the_same_answers_in_order_as_adding_one_by_one()
    {
        using var batched = new TestChain();
        using var single = new TestChain();
        var user = TestChain.Users[0];
        var valid = batched.Transfer(user, Sink, 1, nonce: 0);
        var duplicate = valid;
        var gap = batched.Transfer(user, Sink, 1, nonce: 10_000);
        var wrongChain = batched.Transfer(TestChain.Users[1], Sink, 1, nonce: 0, chainId: 1);
        var broke = batched.Transfer(TestChain.Key("nobody"), Sink, 1, nonce: 0);
        Transaction[] txs = [valid, duplicate, gap, wrongChain, broke];

        var fromBatch = batched.Pool.AddBatch(Redecoded(txs), batched.Chain.HeadAccounts).Select(r => r?.Code).ToList();
        var fromSingles = Redecoded(txs).Select(tx => single.Pool.Add(tx, single.Chain.HeadAccounts)?.Code).ToList();
        Assert.Equal(fromSingles, fromBatch);
        Assert.Equal(
            [null, TxPoolRejectionCode.AlreadyKnown, TxPoolRejectionCode.NonceGapTooLarge, TxPoolRejectionCode.WrongChainId, TxPoolRejectionCode.InsufficientFunds],
            fromBatch);
    }

    [Fact]
    public void The_cache_stays_within_its_capacity_and_forgets_the_oldest_generation()
    {
        var cache = new SenderCache(capacity: 8);
        using var t = new TestChain();
        var txs = Transfers(t, 6); // 30 transactions
        foreach (var tx in txs) Assert.True(cache.TryGetSender(tx, out _, out _));
        Assert.InRange(cache.Count, 1, 8);
        Assert.Equal(txs.Count, cache.Recoveries);
        // The newest is still cached, the first long gone.
        Assert.True(cache.TryGetSender(txs[^1], out _, out _));
        Assert.Equal(txs.Count, cache.Recoveries);
        Assert.True(cache.TryGetSender(txs[0], out _, out _));
        Assert.Equal(txs.Count + 1, cache.Recoveries);
    }
}
