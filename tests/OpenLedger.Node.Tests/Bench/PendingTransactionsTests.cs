using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Node.Bench;
using Xunit;

namespace OpenLedger.Node.Tests.Bench;

public sealed class PendingTransactionsTests
{
    private static readonly PrivateKey Sender = PrivateKey.FromHex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    private static Transaction[] Transfers(int count) => Enumerable.Range(0, count).Select(n => TransactionSigner.Sign(new UnsignedTransaction
    {
        Type = TxType.DynamicFee, ChainId = 1337, Nonce = (ulong)n, MaxPriorityFeePerGas = Wei.PerGwei,
        MaxFeePerGas = 100 * Wei.PerGwei, GasLimit = 21_000, To = Sender.Address, Value = 1,
    }, Sender)).ToArray();

    [Fact]
    public void Each_transaction_completes_once_with_its_own_send_time_and_unknown_hashes_are_ignored()
    {
        var txs = Transfers(5);
        var pending = new PendingTransactions(txs);
        for (var i = 0; i < txs.Length; i++) pending.Sent(i, 1_000 + i);
        Assert.Equal(5, pending.Remaining);

        Assert.True(pending.TryComplete(txs[3].Hash.ToString(), out var sent3));
        Assert.Equal(1_003, sent3);
        Assert.False(pending.TryComplete(txs[3].Hash.ToString(), out _)); // a block seen twice counts once
        Assert.False(pending.TryComplete(Hash256.Zero.ToString(), out _)); // someone else's transaction
        Assert.Equal(4, pending.Remaining);

        pending.Forget(txs[0].Hash.ToString()); // refused by the node
        Assert.False(pending.TryComplete(txs[0].Hash.ToString(), out _));
        pending.Forget(txs[0].Hash.ToString());
        Assert.Equal(3, pending.Remaining);

        foreach (var i in new[] { 1, 2, 4 })
        {
            Assert.True(pending.TryComplete(txs[i].Hash.ToString(), out var sent));
            Assert.Equal(1_000 + i, sent);
        }
        Assert.Equal(0, pending.Remaining);
    }

    [Fact]
    public async Task Completing_and_forgetting_from_two_threads_counts_every_transaction_exactly_once()
    {
        var txs = Transfers(2_000);
        var hashes = txs.Select(t => t.Hash.ToString()).ToArray();
        var pending = new PendingTransactions(txs);
        var completed = 0;
        var watcher = Task.Run(() =>
        {
            foreach (var hash in hashes)
                if (pending.TryComplete(hash, out _)) Interlocked.Increment(ref completed);
        });
        var refusals = Task.Run(() =>
        {
            for (var i = hashes.Length - 1; i >= 0; i -= 2) pending.Forget(hashes[i]);
        });
        await Task.WhenAll(watcher, refusals);
        Assert.Equal(0, pending.Remaining);
        Assert.InRange(completed, 1_000, 2_000); // the other half may have been forgotten first
    }
}
