using OpenLedger.Chain.Tests.Support;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Execution.Modules;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.StateTrie;
using OpenLedger.State.Trie;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.Chain.Tests.Genesis;

/// <summary>
/// The genesis state written in chunks straight into the store is the one the in-memory builder gives: same block 0,
/// same trie, same flat account table, whatever the chunk size.
/// </summary>
public sealed class GenesisChunkingTests
{
    public static TheoryData<int, int> SizesAndChunks => new()
    {
        { 0, 1 },
        { 5, 1 },
        { 5, 2 },
        { 37, 5 },
        { 37, 1_000 },
        { 5_000, 700 },
        { 5_000, GenesisBlockBuilder.DefaultChunkAccounts },
    };

    [Theory]
    [MemberData(nameof(SizesAndChunks))]
    public void Chunked_build_gives_the_in_memory_builders_block_trie_and_flat_state(int extraAccounts, int chunk)
    {
        foreach (var modules in new[] { ModuleRegistry.Empty, new ModuleRegistry([new StakingModule()]) })
        {
            var genesis = GenesisWithAccounts(extraAccounts);
            var (expected, expectedDb) = BuildInMemory(genesis, modules);

            using var db = new MemoryStore();
            var built = GenesisBlockBuilder.BuildInto(db, genesis, modules, chunkAccounts: chunk);

            Assert.Equal(expected.Block.Hash, built.Block.Hash);
            Assert.Equal(expected.Block.Header.StateRoot, built.Block.Header.StateRoot);
            Assert.Equal(expected.Validators.Hash, built.Validators.Hash);
            Assert.Equal(Rows(expectedDb, DbColumn.FlatState), Rows(db, DbColumn.FlatState));
            Assert.Equal(
                new TrieStateBackend(new KeyValueTrieNodeStore(expectedDb), expected.Block.Header.StateRoot).EnumerateAccounts().ToList(),
                new TrieStateBackend(new KeyValueTrieNodeStore(db), built.Block.Header.StateRoot).EnumerateAccounts().ToList());
        }
    }

    [Fact]
    public void Trie_nodes_only_build_gives_the_same_block_without_writing_flat_state()
    {
        var genesis = GenesisWithAccounts(300);
        using var db = new MemoryStore();
        var built = GenesisBlockBuilder.BuildInto(db, genesis, ModuleRegistry.Empty, writeFlatState: false, chunkAccounts: 64);
        Assert.Equal(GenesisBlockBuilder.Build(genesis, ModuleRegistry.Empty, new MemoryTrieNodeStore()).Block.Hash, built.Block.Hash);
        Assert.Empty(db.Iterate(DbColumn.FlatState));
    }

    [Fact]
    public void A_new_chain_starts_from_the_chunked_genesis_with_every_balance_readable()
    {
        var genesis = GenesisWithAccounts(2_000);
        var modules = new ModuleRegistry([new StakingModule()]);
        using var db = new MemoryStore();
        var chain = Blockchain.Open(db, genesis, modules);

        Assert.Equal(BuildInMemory(genesis, modules).Result.Block.Hash, chain.Head.Hash);
        var trie = chain.StateAt();
        foreach (var account in genesis.Accounts.Where(a => a.Address != TestChain.ValidatorOperator.Address))
        {
            Assert.Equal(account.Balance, chain.HeadAccounts.GetBalance(account.Address));
            Assert.Equal(account.Balance, trie.GetAccount(account.Address)!.Value.Balance);
        }
    }

    [Fact]
    public void Content_digest_follows_state_relevant_fields_and_ignores_notes_and_formatting()
    {
        var genesis = GenesisWithAccounts(10);
        var digest = genesis.ContentDigest();
        Assert.Equal(digest, GenesisDocument.Parse(genesis.ToJson()).ContentDigest());
        var renamed = genesis with { Accounts = genesis.Accounts.Select(a => a with { Note = "renamed" }).ToList() };
        Assert.Equal(digest, renamed.ContentDigest());

        var moved = genesis.Accounts.ToList();
        moved[3] = moved[3] with { Balance = moved[3].Balance - 1 };
        Assert.NotEqual(digest, (genesis with { Accounts = moved, Treasury = genesis.Treasury + 1 }).ContentDigest());
        Assert.NotEqual(digest, (genesis with { GenesisTimeMs = genesis.GenesisTimeMs + 1 }).ContentDigest());
        Assert.NotEqual(digest, (genesis with { Params = genesis.Params with { BlockGasLimit = 30_000_000 } }).ContentDigest());
    }

    /// <summary>The dev genesis plus <paramref name="extra"/> deterministic accounts carved out of the treasury.</summary>
    public static GenesisDocument GenesisWithAccounts(int extra)
    {
        var genesis = TestChain.CreateGenesis();
        var accounts = genesis.Accounts.ToList();
        var random = new Random(extra);
        UInt128 allocated = 0;
        for (var i = 0; i < extra; i++)
        {
            var balance = (UInt128)(ulong)random.NextInt64(1, long.MaxValue);
            accounts.Add(new GenesisAccount { Address = new Address(Keccak256.HashToArray(BitConverter.GetBytes(i))[12..]), Balance = balance, Note = $"account {i}" });
            allocated += balance;
        }
        return genesis with { Accounts = accounts, Treasury = genesis.Treasury - allocated };
    }

    /// <summary>The in-memory builder's result and a store holding what it commits (trie nodes, flat rows).</summary>
    private static (GenesisBlockBuilder.Result Result, MemoryStore Db) BuildInMemory(GenesisDocument genesis, ModuleRegistry modules)
    {
        var db = new MemoryStore();
        var result = GenesisBlockBuilder.Build(genesis, modules, new KeyValueTrieNodeStore(db));
        using var batch = db.CreateBatch();
        result.State.CommitTo(new WriteBatchTrieNodeSink(batch));
        result.State.CommitFlatState(batch);
        db.Write(batch);
        return (result, db);
    }

    private static List<string> Rows(IKeyValueStore db, DbColumn column) =>
        db.Iterate(column).Select(row => Convert.ToHexString(row.Key) + "=" + Convert.ToHexString(row.Value)).ToList();
}
