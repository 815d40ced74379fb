using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.State;
using OpenLedger.Execution.StateTrie;
using OpenLedger.State.Trie;
using OpenLedger.Storage;

namespace OpenLedger.Execution.Genesis;

/// <summary>Turns a validated genesis document into block 0 and its state.</summary>
public static class GenesisBlockBuilder
{
    /// <summary>
    /// Accounts per write batch in <see cref="BuildInto"/>. A chunk's trie nodes, journal and batch are what the
    /// build holds in memory at once (about 2-3 KiB per account), so 20,000 keeps it near 50 MiB whatever the
    /// genesis size, while the number of partial roots written (one right-edge path per chunk) stays small.
    /// </summary>
    public const int DefaultChunkAccounts = 20_000;

    public sealed record Result(Block Block, TrieStateBackend State, ValidatorSet Validators);

    /// <summary>The genesis block built by <see cref="BuildInto"/>; its state is already in the store.</summary>
    public sealed record StoredResult(Block Block, ValidatorSet Validators);

    /// <summary>Builds the whole genesis state in memory (small genesis files and tests; the node uses <see cref="BuildInto"/>).</summary>
    public static Result Build(GenesisDocument genesis, ModuleRegistry modules, ITrieNodeStore nodes)
    {
        ThrowIfInvalid(genesis);
        var backend = new TrieStateBackend(nodes, Hash256.EmptyTrieRoot);
        var state = new WorldState(backend);
        foreach (var account in genesis.Accounts) state.AddBalance(account.Address, account.Balance);
        var validators = AddSystemBalancesAndValidators(genesis, modules, state);
        var stateRoot = state.Commit();
        return new Result(CreateBlock(genesis, stateRoot, validators), backend, validators);
    }

    /// <summary>
    /// Builds the genesis state straight into <paramref name="db"/>: accounts in order of their trie key
    /// (keccak256 of the address), <paramref name="chunkAccounts"/> per write batch, each chunk on a fresh trie
    /// opened at the previous chunk's root. Finished subtrees are never touched again, so each chunk re-writes only
    /// the trie's right edge, and memory stays bounded by the chunk, not the genesis. The trie root does not depend
    /// on insertion order, so block 0 is the one <see cref="Build"/> gives. The batches are not synced; the caller
    /// makes them durable with its own synced write (block 0 and the head), which RocksDB orders after them.
    /// </summary>
    /// <param name="writeFlatState">Also write the flat account table (false when only the hash is wanted).</param>
    public static StoredResult BuildInto(IKeyValueStore db, GenesisDocument genesis, ModuleRegistry modules,
        bool writeFlatState = true, int chunkAccounts = DefaultChunkAccounts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkAccounts, 1);
        ThrowIfInvalid(genesis);
        var nodes = new KeyValueTrieNodeStore(db);
        var order = InTrieKeyOrder(genesis.Accounts);
        var root = Hash256.EmptyTrieRoot;
        for (var start = 0; start < order.Length; start += chunkAccounts)
        {
            var backend = new TrieStateBackend(nodes, root);
            var state = new WorldState(backend);
            foreach (var index in order.AsSpan(start, Math.Min(chunkAccounts, order.Length - start)))
            {
                var account = genesis.Accounts[index];
                state.AddBalance(account.Address, account.Balance);
            }
            root = state.Commit();
            Flush(db, backend, writeFlatState);
        }

        // The reserve, the treasury and the validators last: staking reads the operators' balances back from the trie.
        var last = new TrieStateBackend(nodes, root);
        var lastState = new WorldState(last);
        var validators = AddSystemBalancesAndValidators(genesis, modules, lastState);
        root = lastState.Commit();
        Flush(db, last, writeFlatState);
        return new StoredResult(CreateBlock(genesis, root, validators), validators);
    }

    private static void Flush(IKeyValueStore db, TrieStateBackend backend, bool writeFlatState)
    {
        using var batch = db.CreateBatch();
        backend.CommitTo(new WriteBatchTrieNodeSink(batch));
        if (writeFlatState) backend.CommitFlatState(batch);
        db.Write(batch, sync: false);
    }

    /// <summary>Indices of <paramref name="accounts"/> sorted by keccak256(address), the account trie's key.</summary>
    private static int[] InTrieKeyOrder(IReadOnlyList<GenesisAccount> accounts)
    {
        var keys = new Hash256[accounts.Count];
        var order = new int[accounts.Count];
        for (var i = 0; i < accounts.Count; i++)
        {
            keys[i] = Keccak256.Hash(accounts[i].Address.Bytes);
            order[i] = i;
        }
        Array.Sort(keys, order);
        return order;
    }

    private static void ThrowIfInvalid(GenesisDocument genesis)
    {
        var problems = GenesisRules.Validate(genesis);
        if (problems.Count > 0) throw new GenesisException("invalid genesis: " + string.Join("; ", problems));
    }

    private static ValidatorSet AddSystemBalancesAndValidators(GenesisDocument genesis, ModuleRegistry modules, WorldState state)
    {
        state.AddBalance(SystemAddresses.RewardReserve, genesis.RewardReserve);
        state.AddBalance(SystemAddresses.Treasury, genesis.Treasury);
        var context = new BlockContext(0, genesis.GenesisTimeMs, Address.Zero, genesis.Params.InitialBaseFee, genesis.Params);
        if (modules.All.OfType<IStakingGenesis>().FirstOrDefault() is { } staking)
        {
            foreach (var v in genesis.Validators)
                staking.CreateGenesisValidator(state, context, v.Operator, v.ConsensusPublicKey, v.SelfBond, v.CommissionBps, v.Moniker);
            return staking.GetActiveValidatorSet(state);
        }
        // Without the staking module (unit tests of the bare chain) the genesis validators keep their
        // self-bond as balance and vote with it.
        return new ValidatorSet(genesis.Validators.Select(v => new Validator(v.ConsensusAddress, v.ConsensusPublicKey, v.Operator, v.SelfBond)));
    }

    private static Block CreateBlock(GenesisDocument genesis, Hash256 stateRoot, ValidatorSet validators)
    {
        var header = new BlockHeader
        {
            ParentHash = Hash256.Zero,
            Number = 0,
            TimestampMs = genesis.GenesisTimeMs,
            Proposer = Address.Zero,
            StateRoot = stateRoot,
            TransactionsRoot = Hash256.EmptyTrieRoot,
            ReceiptsRoot = Hash256.EmptyTrieRoot,
            LogsBloom = new Bloom(),
            GasUsed = 0,
            GasLimit = genesis.Params.BlockGasLimit,
            BaseFeePerGas = genesis.Params.InitialBaseFee,
            ValidatorSetHash = validators.Hash,
            NextValidatorSetHash = validators.Hash,
            LastCommitHash = Commit.Empty.Hash,
            EvidenceHash = Block.ComputeEvidenceHash([]),
        };
        return new Block { Header = header, Transactions = [], LastCommit = Commit.Empty };
    }
}
