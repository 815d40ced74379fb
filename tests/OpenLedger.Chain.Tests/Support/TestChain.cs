using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;
using OpenLedger.Core.Types;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.TxPool;
using OpenLedger.Storage;

namespace OpenLedger.Chain.Tests.Support;

/// <summary>
/// A one-validator chain driven by hand: a deterministic clock (one block interval per block), a mempool,
/// and a producer that builds, signs and commits like the node's solo engine.
/// </summary>
public sealed class TestChain : IDisposable
{
    public static readonly PrivateKey ValidatorOperator = Key("validator-operator");
    public static readonly PrivateKey ValidatorConsensus = Key("validator-consensus");
    public static readonly PrivateKey[] Users = Enumerable.Range(0, 5).Select(i => Key($"user-{i}")).ToArray();
    public static readonly UInt128 UserBalance = Wei.FromOpen(1_000_000);
    public const ulong GenesisTimeMs = 1_767_225_600_000;

    public TestChain(IKeyValueStore? db = null, GenesisDocument? genesis = null, ModuleRegistry? modules = null)
    {
        Db = db ?? new MemoryStore();
        Genesis = genesis ?? CreateGenesis();
        Chain = Blockchain.Open(Db, Genesis, modules ?? ModuleRegistry.Empty);
        Pool = new TransactionPool(Genesis.ChainId, Chain.Parameters, Chain.NextBaseFee, senders: Chain.Senders);
    }

    public IKeyValueStore Db { get; }
    public GenesisDocument Genesis { get; }
    public Blockchain Chain { get; }
    public TransactionPool Pool { get; }

    public static PrivateKey Key(string label) => new(Keccak256.HashToArray(System.Text.Encoding.UTF8.GetBytes("openledger-test/" + label)));

    public static GenesisDocument CreateGenesis(Func<ChainParameters, ChainParameters>? tweak = null)
    {
        var genesis = GenesisBuilder.New(ChainParameters.DevnetChainId, GenesisTimeMs);
        if (tweak is not null) genesis = genesis with { Params = tweak(genesis.Params) };
        genesis = GenesisBuilder.AddAccount(genesis, ValidatorOperator.Address, Wei.FromOpen(20_000), "validator operator");
        foreach (var user in Users) genesis = GenesisBuilder.AddAccount(genesis, user.Address, UserBalance);
        return GenesisBuilder.AddValidator(genesis, ValidatorOperator, ValidatorConsensus.PublicKey, Wei.FromOpen(10_000), 500, "v0");
    }

    public Transaction Transfer(PrivateKey from, Address to, UInt128 value, ulong? nonce = null, UInt128? maxFee = null,
        UInt128? tip = null, ulong gasLimit = 21_000, ulong? chainId = null, byte[]? data = null)
    {
        var unsigned = new UnsignedTransaction
        {
            Type = TxType.DynamicFee,
            ChainId = chainId ?? Genesis.ChainId,
            Nonce = nonce ?? Pool.PendingNonce(from.Address, Chain.HeadAccounts.GetNonce(from.Address)),
            MaxPriorityFeePerGas = tip ?? Wei.PerGwei,
            MaxFeePerGas = maxFee ?? 10 * Wei.PerGwei,
            GasLimit = gasLimit,
            To = to,
            Value = value,
            Data = data ?? [],
        };
        return TransactionSigner.Sign(unsigned, from);
    }

    public void Submit(Transaction tx)
    {
        var rejection = Pool.Add(tx, Chain.HeadAccounts);
        if (rejection is not null) throw new InvalidOperationException($"pool rejected {tx.Hash}: {rejection.Message}");
    }

    public ExecutedBlock ProduceBlock()
    {
        var head = Chain.Head;
        var lastCommit = Chain.Store.GetCommit(head.Number) ?? Commit.Empty;
        var candidates = Pool.SelectForBlock(Chain.HeadAccounts, Chain.Parameters.BlockGasLimit, int.MaxValue);
        var executed = Chain.BuildBlock(head.TimestampMs + Chain.Parameters.BlockIntervalMs, ValidatorConsensus.Address, lastCommit, candidates, []);
        Chain.CommitBlock(executed, SignCommit(executed.Block));
        Pool.Prune(Chain.HeadAccounts, Chain.NextBaseFee, Chain.Parameters);
        return executed;
    }

    public Commit SignCommit(Block block)
    {
        var digest = Vote.SigningDigest(Genesis.ChainId, VoteType.Precommit, block.Number, 0, block.Hash);
        var signature = ValidatorConsensus.Sign(digest).ToCompact65();
        return new Commit { Height = block.Number, Round = 0, BlockHash = block.Hash, Signatures = [new CommitSignature(ValidatorConsensus.Address, signature)] };
    }

    public UInt128 Balance(Address address) => Chain.HeadAccounts.GetBalance(address);

    public void AssertSupply()
    {
        if (!SupplyAudit.TryCheck(Chain.StateAt(), Genesis.TotalSupply, out var error)) throw new Xunit.Sdk.XunitException(error);
    }

    public void Dispose() => Db.Dispose();
}
