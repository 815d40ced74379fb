using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.TxPool;
using OpenLedger.Node.Consensus;
using OpenLedger.Storage;
using Serilog.Core;
using Xunit;

namespace OpenLedger.Node.Tests.Consensus;

/// <summary>
/// Back-to-back blocks (BlockPacing): while a full block's worth of transactions waits, the solo producer builds
/// the next block without waiting for the interval; the blocks still respect the gas limit and the base fee rule,
/// and once the backlog is gone it waits for the interval again.
/// </summary>
public sealed class SoloBlockPacingTests
{
    private const int TransfersPerBlock = 5;
    private static readonly PrivateKey Operator = Key("operator");
    private static readonly PrivateKey Consensus = Key("consensus");
    private static readonly PrivateKey[] Users = Enumerable.Range(0, 4).Select(i => Key($"user-{i}")).ToArray();
    private static readonly Address Sink = new(Keccak256.HashToArray("sink"u8)[12..]);

    [Fact]
    public async Task Produces_blocks_back_to_back_while_a_full_block_waits_then_waits_for_the_interval()
    {
        var (genesis, chain, pool) = NewChain();

        // 2 full blocks + 2 transfers: 12 transfers from 4 senders.
        for (ulong nonce = 0; nonce < 3; nonce++)
            foreach (var user in Users)
                Assert.Null(pool.Add(Transfer(genesis, user, nonce, Sink), chain.HeadAccounts));
        Assert.Equal(12UL * 21_000, pool.PendingGas);

        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_700_000));
        var producer = new SoloBlockProducer(chain, pool, Consensus, time, Logger.None);
        using var cts = new CancellationTokenSource();
        var run = producer.RunAsync(cts.Token);
        try
        {
            // 12 transfers wait, more than a block's worth: block 1 (full) is followed at once by block 2 (full).
            // Then 2 wait, less than a block: the producer waits one interval (the clock never moves on its own).
            await WaitUntilAsync(run, () => time.Timers.Count >= 1);
            Assert.Equal(2UL, chain.Head.Number);
            var timer = Assert.Single(time.Timers);
            Assert.Equal(TimeSpan.FromMilliseconds(chain.Parameters.BlockIntervalMs), timer.DueTime);
            Assert.Equal(2, pool.Count);
            Assert.Equal(2UL * 21_000, pool.PendingGas);

            time.FireAll();
            await WaitUntilAsync(run, () => time.Timers.Count >= 2);
            Assert.Equal(3UL, chain.Head.Number);
            Assert.Equal(0, pool.Count);
            Assert.Equal(0UL, pool.PendingGas);

            var counts = new List<int>();
            for (ulong n = 1; n <= 3; n++)
            {
                var block = chain.Store.GetBlock(n)!;
                var parent = chain.Store.GetHeader(n - 1)!;
                counts.Add(block.Transactions.Count);
                Assert.True(block.Header.GasUsed <= block.Header.GasLimit);
                Assert.Equal(BaseFeeCalculator.Next(parent.BaseFeePerGas, parent.GasUsed, parent.GasLimit, chain.Parameters), block.Header.BaseFeePerGas);
            }
            Assert.Equal([TransfersPerBlock, TransfersPerBlock, 2], counts);
            // Full blocks are above the gas target, so the base fee rose after each of them.
            Assert.True(chain.Store.GetHeader(3)!.BaseFeePerGas > chain.Store.GetHeader(2)!.BaseFeePerGas);
            Assert.True(chain.Store.GetHeader(2)!.BaseFeePerGas > chain.Store.GetHeader(1)!.BaseFeePerGas);

            // An idle chain makes an empty block per interval.
            time.FireAll();
            await WaitUntilAsync(run, () => time.Timers.Count >= 3);
            Assert.Equal(4UL, chain.Head.Number);
            Assert.Empty(chain.Store.GetBlock(4)!.Transactions);
        }
        finally
        {
            await cts.CancelAsync();
            time.FireAll();
            await run;
        }
    }

    [Fact]
    public async Task A_full_block_arriving_during_the_wait_starts_the_next_height_at_once_and_its_remainder_keeps_the_paced_schedule()
    {
        var (genesis, chain, pool) = NewChain();
        var nonces = new ulong[Users.Length];
        void Submit(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var user = i % Users.Length;
                Assert.Null(pool.Add(Transfer(genesis, Users[user], nonces[user]++, Sink), chain.HeadAccounts));
            }
        }
        var interval = TimeSpan.FromMilliseconds(chain.Parameters.BlockIntervalMs);
        Submit(2);

        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_700_000));
        var producer = new SoloBlockProducer(chain, pool, Consensus, time, Logger.None);
        using var cts = new CancellationTokenSource();
        var run = producer.RunAsync(cts.Token);
        try
        {
            // Block 1 takes the 2 waiting transfers (not full) and the producer waits one interval.
            await WaitUntilAsync(run, () => time.Timers.Count >= 1);
            Assert.Equal(1UL, chain.Head.Number);
            Assert.Equal(interval, Assert.Single(time.Timers).DueTime);

            // 40% into the interval, a full block and 2 more arrive: block 2 starts without the timer firing.
            time.Advance(interval * 0.4);
            Submit(TransfersPerBlock + 2);
            await WaitUntilAsync(run, () => time.Timers.Count >= 2);
            Assert.Equal(2UL, chain.Head.Number);
            Assert.Equal(TransfersPerBlock, chain.Store.GetBlock(2)!.Transactions.Count);
            // The 2 left over wait for the rest of block 1's interval (60%), not for a whole new one.
            Assert.Equal(interval * 0.6, time.Timers.Last().DueTime);
            Assert.Equal(2, pool.Count);

            time.Advance(interval * 0.6);
            time.FireAll();
            await WaitUntilAsync(run, () => time.Timers.Count >= 3);
            Assert.Equal(3UL, chain.Head.Number);
            Assert.Equal(2, chain.Store.GetBlock(3)!.Transactions.Count);
            // Block 3 was paced, so the next interval counts from its start.
            Assert.Equal(interval, time.Timers.Last().DueTime);
            Assert.Equal(0, pool.Count);
        }
        finally
        {
            await cts.CancelAsync();
            time.FireAll();
            await run;
        }
    }

    [Fact]
    public void A_pool_of_transactions_that_cannot_run_yet_does_not_start_blocks_back_to_back()
    {
        var (genesis, chain, pool) = NewChain();
        // Transactions from nonce 6 on while the sender's nonce is 0: pooled (within the window), not executable.
        for (ulong nonce = 6; nonce < 6 + 2 * TransfersPerBlock; nonce++)
            Assert.Null(pool.Add(Transfer(genesis, Users[0], nonce, Users[1].Address), chain.HeadAccounts));
        Assert.True(pool.PendingGas >= chain.Parameters.BlockGasLimit);
        var empty = chain.Store.GetBlock(0)!;
        Assert.Empty(empty.Transactions);
        Assert.False(BlockPacing.HasBacklog(empty, pool));
        Assert.Equal(TimeSpan.FromMilliseconds(300),
            BlockPacing.DelayBeforeNextHeight(empty, pool, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(200)));
        Assert.Equal(TimeSpan.Zero,
            BlockPacing.DelayBeforeNextHeight(empty, pool, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(700)));
    }

    /// <summary>A 21,000-gas transfer of 1 wei with a 1 gwei tip and a fee cap far above the base fee.</summary>
    private static Transaction Transfer(GenesisDocument genesis, PrivateKey from, ulong nonce, Address to) =>
        TransactionSigner.Sign(new UnsignedTransaction
        {
            Type = TxType.DynamicFee, ChainId = genesis.ChainId, Nonce = nonce, MaxPriorityFeePerGas = Wei.PerGwei,
            MaxFeePerGas = 100 * Wei.PerGwei, GasLimit = 21_000, To = to, Value = 1,
        }, from);

    private static (GenesisDocument Genesis, Blockchain Chain, TransactionPool Pool) NewChain()
    {
        var genesis = GenesisBuilder.New(ChainParameters.DevnetChainId, 1_767_225_600_000);
        genesis = genesis with { Params = genesis.Params with { BlockGasLimit = 21_000 * TransfersPerBlock } };
        genesis = GenesisBuilder.AddAccount(genesis, Operator.Address, Wei.FromOpen(20_000));
        foreach (var user in Users) genesis = GenesisBuilder.AddAccount(genesis, user.Address, Wei.FromOpen(1_000));
        genesis = GenesisBuilder.AddValidator(genesis, Operator, Consensus.PublicKey, Wei.FromOpen(10_000), 500, "v0");
        var chain = Blockchain.Open(new MemoryStore(), genesis, ModuleRegistry.Empty);
        return (genesis, chain, new TransactionPool(genesis.ChainId, chain.Parameters, chain.NextBaseFee));
    }

    private static async Task WaitUntilAsync(Task producer, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (producer.IsCompleted) await producer; // surfaces the producer's exception
            Assert.False(producer.IsCompleted, "the producer stopped");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached in 60 s");
            await Task.Delay(20);
        }
    }

    private static PrivateKey Key(string label) => new(Keccak256.HashToArray(System.Text.Encoding.UTF8.GetBytes("openledger-pacing-test/" + label)));
}
