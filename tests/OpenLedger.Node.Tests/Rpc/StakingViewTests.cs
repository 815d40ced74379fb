using System.Numerics;
using OpenLedger.Core.Abi;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.TxPool;
using OpenLedger.Node.Hosting;
using OpenLedger.Node.Rpc;
using OpenLedger.Storage;
using Xunit;
using V1 = OpenLedger.Rpc.V1;

namespace OpenLedger.Node.Tests.Rpc;

/// <summary>
/// The view behind gRPC QueryService.GetStaking, on a real chain: a delegator who delegated, redelegated part of the
/// stake and started to undelegate sees every position, with amounts in wei and the heights at which they mature.
/// </summary>
public sealed class StakingViewTests
{
    private static readonly PrivateKey Delegator = PrivateKey.FromHex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
    private static readonly PrivateKey[] Operators = [Key("operator-0"), Key("operator-1")];
    private static readonly PrivateKey[] ConsensusKeys = [Key("consensus-0"), Key("consensus-1")];

    [Fact]
    public void GetStaking_lists_delegations_unbondings_and_redelegations_with_their_heights()
    {
        var genesis = GenesisBuilder.New(ChainParameters.DevnetChainId, 1_767_225_600_000);
        genesis = GenesisBuilder.AddAccount(genesis, Delegator.Address, Wei.FromOpen(100_000));
        for (var i = 0; i < 2; i++)
        {
            genesis = GenesisBuilder.AddAccount(genesis, Operators[i].Address, Wei.FromOpen(20_000));
            genesis = GenesisBuilder.AddValidator(genesis, Operators[i], ConsensusKeys[i].PublicKey, Wei.FromOpen(10_000), 500, $"v{i}");
        }
        var catalog = ModuleCatalog.Create(genesis);
        var chain = Blockchain.Open(new MemoryStore(), genesis, catalog.Registry, catalog.LoadParameters);
        var (v0, v1) = (Operators[0].Address, Operators[1].Address);

        Execute(chain, genesis, 0, "delegate(address validator) payable", Wei.FromOpen(5_000), v0);
        Execute(chain, genesis, 1, "redelegate(address source, address destination, uint256 amount)", 0, v0, v1, (BigInteger)Wei.FromOpen(2_000));
        var redelegatedAt = chain.Head.Number;
        Execute(chain, genesis, 2, "undelegate(address validator, uint256 amount)", 0, v0, (BigInteger)Wei.FromOpen(1_000));
        var undelegatedAt = chain.Head.Number;

        var json = catalog.Views.Get("staking", "delegator", new Dictionary<string, string> { ["address"] = Delegator.Address.ToString() }, chain.StateAt());
        var position = V1.StakingPosition.Parser.ParseJson(json!);

        Assert.Equal(Delegator.Address.ToChecksumString(), position.Address);
        var unbondingPeriod = chain.Parameters.UnbondingPeriodBlocks;
        Assert.Equal(
            new[] { (v0.ToChecksumString(), Wei.FromOpen(2_000).ToString()), (v1.ToChecksumString(), Wei.FromOpen(2_000).ToString()) }.OrderBy(d => d.Item1),
            position.Delegations.Select(d => (d.Validator, d.Amount)).OrderBy(d => d.Item1));
        Assert.Equal(Wei.FromOpen(4_000).ToString(), position.TotalDelegated);

        var unbonding = Assert.Single(position.Unbonding);
        Assert.Equal((v0.ToChecksumString(), Wei.FromOpen(1_000).ToString(), undelegatedAt, undelegatedAt + unbondingPeriod),
            (unbonding.Validator, unbonding.Amount, unbonding.CreationHeight, unbonding.CompletionHeight));

        var redelegation = Assert.Single(position.Redelegations);
        Assert.Equal((v0.ToChecksumString(), v1.ToChecksumString(), Wei.FromOpen(2_000).ToString(), redelegatedAt, redelegatedAt + unbondingPeriod),
            (redelegation.SourceValidator, redelegation.DestinationValidator, redelegation.InitialBalance, redelegation.CreationHeight, redelegation.CompletionHeight));
        Assert.True(redelegation.Id > 0);

        // Someone who never staked: an empty position, not an error.
        var nobody = V1.StakingPosition.Parser.ParseJson(catalog.Views.Get("staking", "delegator",
            new Dictionary<string, string> { ["address"] = Operators[0].Address.ToString() }, chain.StateAt())!);
        Assert.Empty(nobody.Redelegations);
        Assert.Empty(nobody.Unbonding);
    }

    /// <summary>One transaction from the delegator to the staking module in a block of its own; it must succeed.</summary>
    private static void Execute(Blockchain chain, GenesisDocument genesis, ulong nonce, string signature, UInt128 value, params object[] args)
    {
        var tx = TransactionSigner.Sign(new UnsignedTransaction
        {
            Type = TxType.DynamicFee, ChainId = genesis.ChainId, Nonce = nonce, MaxPriorityFeePerGas = Wei.PerGwei,
            MaxFeePerGas = 100 * Wei.PerGwei, GasLimit = 1_000_000, To = SystemAddresses.Staking, Value = value,
            Data = AbiFunction.Parse(signature).EncodeCall(args),
        }, Delegator);
        var executed = chain.BuildBlock(genesis.GenesisTimeMs + 1_000 * (chain.Head.Number + 1), ConsensusKeys[0].Address, Commit.Empty, [tx], []);
        var receipt = Assert.Single(executed.Result.Receipts);
        Assert.True(receipt.Success, $"{signature} failed");
        chain.CommitBlock(executed, Commit.Empty);
    }

    private static PrivateKey Key(string label) => new(Keccak256.HashToArray(System.Text.Encoding.UTF8.GetBytes("openledger-staking-view-test/" + label)));
}
