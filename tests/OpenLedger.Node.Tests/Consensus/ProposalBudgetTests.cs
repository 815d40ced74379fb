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
using Xunit;

namespace OpenLedger.Node.Tests.Consensus;

/// <summary>
/// The BFT proposal cap (<see cref="ProposalBudget"/>): the gas a peer re-executes in the execution budget at the
/// measured rate, within [minimum, block gas limit]; a proposal built under it never exceeds it.
/// </summary>
public sealed class ProposalBudgetTests
{
    private const ulong Transfer = 21_000;

    [Fact]
    public void The_cap_follows_the_measured_validation_rate_within_the_floor_and_the_gas_limit()
    {
        var budget = new ProposalBudget(60_000_000, TimeSpan.FromMilliseconds(500), minGas: 100 * Transfer);
        Assert.Null(budget.GasPerSecond);
        Assert.Equal(60_000_000UL, budget.GasCap); // nothing measured yet: the chain's limit

        budget.Observe(500_000, 3_000, TimeSpan.FromMilliseconds(1)); // too small to say anything about the rate
        Assert.Null(budget.GasPerSecond);

        budget.Observe(20_000_000, 110_000, TimeSpan.FromSeconds(1)); // 20M gas/s: 0.5 s holds 10M gas
        Assert.Equal(10_000_000UL, budget.GasCap);

        budget.Observe(20_000_000, 110_000, TimeSpan.FromSeconds(4)); // slower now: 5M gas/s; smoothed 20M + 0.3 x (5M - 20M)
        Assert.Equal(15_500_000d, budget.GasPerSecond!.Value, 1);
        Assert.Equal(7_750_000UL, budget.GasCap);

        for (var i = 0; i < 50; i++) budget.Observe(2_000_000, 11_000, TimeSpan.FromSeconds(100)); // a crawl: the floor holds
        Assert.Equal(100 * Transfer, budget.GasCap);

        for (var i = 0; i < 50; i++) budget.Observe(50_000_000, 260_000, TimeSpan.FromMilliseconds(100)); // very fast: the gas limit holds
        Assert.Equal(60_000_000UL, budget.GasCap);
        budget.SetBlockGasLimit(30_000_000);
        Assert.Equal(30_000_000UL, budget.GasCap);
    }

    [Fact]
    public void The_expected_proposal_size_uses_the_observed_bytes_per_gas_up_to_the_block_gas_limit()
    {
        var budget = new ProposalBudget(60_000_000, TimeSpan.FromMilliseconds(500), minGas: 100 * Transfer);
        for (var i = 0; i < 50; i++) budget.Observe(21_000_000, 120_000, TimeSpan.FromSeconds(10)); // 1,000 transfers of 120 bytes, slow node
        Assert.Equal(100 * Transfer, budget.GasCap); // 2.1M gas/s x 0.5 s is below the floor of 100 transfers
        Assert.InRange(budget.ExpectedProposalBytes(21_000_000), 119_800L, 120_200L);
        // Not this node's own (small) cap: a faster proposer may fill the block.
        Assert.InRange(budget.ExpectedProposalBytes(500_000_000), 120_000L * 60_000_000 / 21_000_000 - 2_000, 120_000L * 60_000_000 / 21_000_000 + 2_000);
        Assert.Equal(0, budget.ExpectedProposalBytes(0));
    }

    [Fact]
    public void A_proposal_over_the_cap_is_never_built()
    {
        var users = Enumerable.Range(0, 8).Select(i => new PrivateKey(Keccak256.HashToArray(System.Text.Encoding.UTF8.GetBytes($"user-{i}")))).ToArray();
        var operatorKey = new PrivateKey(Keccak256.HashToArray("operator"u8));
        var consensusKey = new PrivateKey(Keccak256.HashToArray("consensus"u8));
        var genesis = GenesisBuilder.New(ChainParameters.DevnetChainId, 1_767_225_600_000);
        genesis = GenesisBuilder.AddAccount(genesis, operatorKey.Address, Wei.FromOpen(20_000));
        foreach (var user in users) genesis = GenesisBuilder.AddAccount(genesis, user.Address, Wei.FromOpen(1_000));
        genesis = GenesisBuilder.AddValidator(genesis, operatorKey, consensusKey.PublicKey, Wei.FromOpen(10_000), 500, "v0");
        var chain = Blockchain.Open(new MemoryStore(), genesis, ModuleRegistry.Empty);
        var pool = new TransactionPool(genesis.ChainId, chain.Parameters, chain.NextBaseFee);
        var sink = new Address(Keccak256.HashToArray("sink"u8)[12..]);
        for (ulong nonce = 0; nonce < 40; nonce++)
            foreach (var user in users)
                Assert.Null(pool.Add(TransactionSigner.Sign(new UnsignedTransaction
                {
                    Type = TxType.DynamicFee, ChainId = genesis.ChainId, Nonce = nonce, MaxPriorityFeePerGas = Wei.PerGwei,
                    MaxFeePerGas = 100 * Wei.PerGwei, GasLimit = Transfer, To = sink, Value = 1,
                }, user), chain.HeadAccounts));
        Assert.Equal(320UL * Transfer, pool.PendingGas);

        // A slow validator: 210,000 gas per second, half a second of budget: 105,000 gas, raised to the floor of 100 transfers.
        var budget = new ProposalBudget(chain.Parameters.BlockGasLimit, TimeSpan.FromMilliseconds(500), minGas: 100 * Transfer);
        budget.Observe(2_100_000, 11_000, TimeSpan.FromSeconds(10));
        Assert.Equal(100 * Transfer, budget.GasCap);
        var selected = budget.SelectTransactions(pool, chain.HeadAccounts);
        var built = chain.BuildBlock(1_767_225_601_000, consensusKey.Address, Commit.Empty, selected, []);
        Assert.Equal(100, built.Block.Transactions.Count);
        Assert.True(built.Block.Header.GasUsed <= budget.GasCap);

        // A node measured at 6.3M gas/s: half a second holds 3.15M gas, 150 transfers of the 320 waiting.
        var faster = new ProposalBudget(chain.Parameters.BlockGasLimit, TimeSpan.FromMilliseconds(500), minGas: 100 * Transfer);
        faster.Observe(6_300_000, 33_000, TimeSpan.FromSeconds(1));
        Assert.Equal(150 * Transfer, faster.GasCap);
        var bigger = chain.BuildBlock(1_767_225_601_000, consensusKey.Address, Commit.Empty, faster.SelectTransactions(pool, chain.HeadAccounts), []);
        Assert.Equal(150, bigger.Block.Transactions.Count);
        Assert.True(bigger.Block.Header.GasUsed <= faster.GasCap);
    }
}
