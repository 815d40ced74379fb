using OpenLedger.Chain.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Processing;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.Chain.Tests.Chain;

public class BlockchainTests
{
    private static readonly Address Carol = Address.FromUInt64(0xca401);

    [Fact]
    public void Transfer_MovesValue_BurnsBaseFee_PaysTipToProposer_AndKeepsSupply()
    {
        using var t = new TestChain();
        var alice = TestChain.Users[0];
        var baseFee = t.Chain.NextBaseFee;
        var operatorBefore = t.Balance(TestChain.ValidatorOperator.Address);
        var tx = t.Transfer(alice, Carol, Wei.FromOpen(5), tip: 2 * Wei.PerGwei);
        t.Submit(tx);

        var block = t.ProduceBlock();

        Assert.Single(block.Block.Transactions);
        var receipt = Assert.Single(block.Result.Receipts);
        Assert.True(receipt.Success);
        Assert.Equal(21_000UL, receipt.GasUsed);
        Assert.Equal(baseFee + 2 * Wei.PerGwei, receipt.EffectiveGasPrice);
        Assert.Equal(Wei.FromOpen(5), t.Balance(Carol));
        Assert.Equal(TestChain.UserBalance - Wei.FromOpen(5) - 21_000 * (baseFee + 2 * Wei.PerGwei), t.Balance(alice.Address));
        Assert.Equal(21_000 * baseFee, t.Balance(SystemAddresses.Burn));
        Assert.Equal(operatorBefore + 21_000 * 2 * Wei.PerGwei, t.Balance(TestChain.ValidatorOperator.Address));
        Assert.Equal(1UL, t.Chain.HeadAccounts.GetNonce(alice.Address));
        t.AssertSupply();

        var location = t.Chain.Store.GetTransactionLocation(tx.Hash);
        Assert.Equal(1UL, location!.Value.BlockNumber);
        var stored = t.Chain.Store.GetReceipts(block.Block.Hash)!;
        Assert.Equal(receipt.EncodeStorage(), Assert.Single(stored).EncodeStorage());
    }

    [Fact]
    public void ManyBlocks_KeepTheSupplyInvariant_AfterEveryBlock()
    {
        using var t = new TestChain();
        var random = new Random(7);
        for (var height = 0; height < 15; height++)
        {
            for (var i = 0; i < 6; i++)
            {
                var from = TestChain.Users[random.Next(TestChain.Users.Length)];
                var to = random.Next(3) == 0 ? Address.FromUInt64((ulong)random.Next(1, 50)) : TestChain.Users[random.Next(TestChain.Users.Length)].Address;
                t.Submit(t.Transfer(from, to, (UInt128)random.Next(1, 1_000_000), tip: (UInt128)random.Next(0, 3) * Wei.PerGwei));
            }
            var block = t.ProduceBlock();
            Assert.Equal(6, block.Block.Transactions.Count);
            Assert.All(block.Result.Receipts, r => Assert.True(r.Success));
            t.AssertSupply();
        }
        Assert.Equal(0, t.Pool.Count);
    }

    [Fact]
    public void A_blocks_encoded_length_is_computed_without_encoding_it()
    {
        using var t = new TestChain();
        foreach (var count in new[] { 0, 1, 6, 300 })
        {
            for (var i = 0; i < count; i++) t.Submit(t.Transfer(TestChain.Users[i % TestChain.Users.Length], Carol, 1));
            var produced = t.ProduceBlock();
            Assert.Equal(count, produced.Block.Transactions.Count);
            Assert.Equal(produced.Encoded.Length, produced.Block.EncodedLength());
            Assert.Equal(produced.Block.Encode().Length, produced.Block.EncodedLength());
        }
    }

    [Fact]
    public void AnotherNode_ReExecutesEveryBlock_ToTheSameRoots()
    {
        using var producer = new TestChain();
        using var follower = new TestChain();
        for (var i = 0; i < 5; i++)
        {
            producer.Submit(producer.Transfer(TestChain.Users[i], Carol, Wei.FromOpen(1)));
            var produced = producer.ProduceBlock();
            var commit = producer.Chain.Store.GetCommit(produced.Block.Number)!;
            var replayed = follower.Chain.ExecuteBlock(Block.Decode(produced.Encoded));
            follower.Chain.CommitBlock(replayed, commit);
            Assert.Equal(producer.Chain.Head.Hash, follower.Chain.Head.Hash);
            Assert.Equal(producer.Chain.Head.StateRoot, follower.Chain.Head.StateRoot);
        }
    }

    [Fact]
    public void TamperedBlock_IsRejectedWithTheReason()
    {
        using var producer = new TestChain();
        using var follower = new TestChain();
        producer.Submit(producer.Transfer(TestChain.Users[0], Carol, Wei.FromOpen(1)));
        var block = producer.ProduceBlock().Block;
        var forged = block with { Header = block.Header with { StateRoot = Hash256.Parse("0x" + new string('1', 64)) } };
        var error = Assert.Throws<InvalidBlockException>(() => follower.Chain.ExecuteBlock(forged));
        Assert.Contains("state root mismatch", error.Message);

        var wrongBase = block with { Header = block.Header with { BaseFeePerGas = block.Header.BaseFeePerGas + 1 } };
        Assert.Contains("base fee", Assert.Throws<InvalidBlockException>(() => follower.Chain.ExecuteBlock(wrongBase)).Message);
    }

    [Fact]
    public void TransactionWithAValueAbove128Bits_IsDroppedByTheProposer_AndRejectsABlockCarryingIt()
    {
        using var producer = new TestChain();
        using var follower = new TestChain();
        var alice = TestChain.Users[0];
        var oversized = TransactionSigner.Sign(new UnsignedTransaction
        {
            Type = TxType.DynamicFee, ChainId = producer.Genesis.ChainId, Nonce = 0, MaxFeePerGas = 10 * Wei.PerGwei,
            MaxPriorityFeePerGas = Wei.PerGwei, GasLimit = 21_000, To = Carol, Value = new UInt256(1, 5),
        }, alice);
        const string expected = "amount too large: value 340282366920938463463374607431768211461 wei (129 bits) exceeds the 128-bit amount limit";

        // A proposer handed it directly (not through the pool) drops it with the reason instead of truncating the value.
        var built = producer.Chain.BuildBlock(TestChain.GenesisTimeMs + producer.Chain.Parameters.BlockIntervalMs,
            TestChain.ValidatorConsensus.Address, Commit.Empty, [oversized], []);
        Assert.Empty(built.Block.Transactions);
        var (droppedTx, reason) = Assert.Single(built.Result.Dropped);
        Assert.Equal(oversized.Hash, droppedTx.Hash);
        Assert.StartsWith(expected, reason.Message);

        // A block that carries it anyway is invalid, with the same reason, and nothing is applied.
        var block = producer.ProduceBlock().Block;
        var forged = block with { Transactions = [oversized] };
        var error = Assert.Throws<InvalidBlockException>(() => follower.Chain.ExecuteBlock(forged));
        Assert.Equal($"transaction {oversized.Hash} cannot be included: {expected} (340282366920938463463374607431768211455 wei)", error.Message);
        Assert.Equal(0UL, follower.Chain.Head.Number);
        Assert.Equal(TestChain.UserBalance, follower.Balance(alice.Address));
    }

    [Fact]
    public void BlockWithABadParentCommit_IsRejected()
    {
        using var producer = new TestChain();
        using var follower = new TestChain();
        var first = producer.ProduceBlock();
        follower.Chain.CommitBlock(follower.Chain.ExecuteBlock(first.Block), producer.Chain.Store.GetCommit(1)!);
        var second = producer.ProduceBlock().Block;
        var impostor = TestChain.Key("impostor");
        var digest = Vote.SigningDigest(producer.Genesis.ChainId, VoteType.Precommit, 1, 0, first.Block.Hash);
        var badCommit = new Commit { Height = 1, Round = 0, BlockHash = first.Block.Hash, Signatures = [new CommitSignature(impostor.Address, impostor.Sign(digest).ToCompact65())] };
        var header = second.Header with { LastCommitHash = badCommit.Hash };
        var forged = second with { Header = header, LastCommit = badCommit };
        var error = Assert.Throws<InvalidBlockException>(() => follower.Chain.ExecuteBlock(forged));
        Assert.Contains("invalid commit", error.Message);
    }

    [Fact]
    public void BaseFee_RisesWhenBlocksAreOverTarget_AndFallsBackToTheFloor()
    {
        using var t = new TestChain(genesis: TestChain.CreateGenesis(p => p with { BlockGasLimit = 84_000 }));
        var floor = t.Chain.Parameters.MinBaseFee;
        Assert.Equal(floor, t.Chain.NextBaseFee);
        for (var i = 0; i < 4; i++) t.Submit(t.Transfer(TestChain.Users[i], Carol, 1));
        t.ProduceBlock();
        // 84,000 used of a 42,000 target: +1/8.
        Assert.Equal(floor + floor / 8, t.Chain.NextBaseFee);
        t.ProduceBlock();
        Assert.Equal(floor, t.Chain.NextBaseFee);
    }

    [Fact]
    public void Restart_ResumesAtTheLastCommittedBlock_WithTheSameStateRoot()
    {
        var dir = Path.Combine(Path.GetTempPath(), "openledger-chain-" + Guid.NewGuid().ToString("N"));
        try
        {
            Hash256 headHash, stateRoot;
            ulong number;
            using (var t = new TestChain(RocksDbStore.Open(dir)))
            {
                for (var i = 0; i < 3; i++)
                {
                    t.Submit(t.Transfer(TestChain.Users[i], Carol, Wei.FromOpen(2)));
                    t.ProduceBlock();
                }
                headHash = t.Chain.Head.Hash;
                stateRoot = t.Chain.Head.StateRoot;
                number = t.Chain.Head.Number;
            }
            using (var t = new TestChain(RocksDbStore.Open(dir)))
            {
                Assert.Equal(number, t.Chain.Head.Number);
                Assert.Equal(headHash, t.Chain.Head.Hash);
                Assert.Equal(stateRoot, t.Chain.Head.StateRoot);
                Assert.Equal(Wei.FromOpen(6), t.Balance(Carol));
                t.Submit(t.Transfer(TestChain.Users[4], Carol, Wei.FromOpen(1)));
                Assert.Equal(number + 1, t.ProduceBlock().Block.Number);
                t.AssertSupply();
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void FlatAccountTable_MatchesTheStateTrie_AfterEveryBlock_AndAfterARestart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "openledger-flat-" + Guid.NewGuid().ToString("N"));
        var addresses = TestChain.Users.Select(u => u.Address)
            .Concat([Carol, SystemAddresses.Burn, SystemAddresses.Treasury, SystemAddresses.RewardReserve, TestChain.ValidatorOperator.Address])
            .ToArray();
        void AssertSame(TestChain t)
        {
            var trie = t.Chain.StateAt();
            var flat = t.Chain.HeadAccounts;
            Assert.IsType<FlatAccountReader>(flat);
            foreach (var a in addresses)
            {
                Assert.Equal(trie.GetAccount(a)?.Balance ?? 0, flat.GetBalance(a));
                Assert.Equal(trie.GetAccount(a)?.Nonce ?? 0, flat.GetNonce(a));
            }
        }
        try
        {
            using (var t = new TestChain(RocksDbStore.Open(dir)))
            {
                AssertSame(t);
                for (var i = 0; i < 4; i++)
                {
                    t.Submit(t.Transfer(TestChain.Users[i], Carol, Wei.FromOpen(3), tip: Wei.PerGwei));
                    t.ProduceBlock();
                    AssertSame(t);
                }
            }
            using (var t = new TestChain(RocksDbStore.Open(dir)))
            {
                AssertSame(t);
                Assert.Equal(Wei.FromOpen(12), t.Chain.HeadAccounts.GetBalance(Carol));
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void OpeningWithADifferentGenesis_IsRefused()
    {
        using var db = new MemoryStore();
        _ = new TestChain(db);
        var other = TestChain.CreateGenesis(p => p with { BlockGasLimit = 30_000_000 });
        var error = Assert.Throws<OpenLedger.Execution.Genesis.GenesisException>(() => Blockchain.Open(db, other, OpenLedger.Execution.Modules.ModuleRegistry.Empty));
        Assert.Contains("different genesis", error.Message);
    }
}
