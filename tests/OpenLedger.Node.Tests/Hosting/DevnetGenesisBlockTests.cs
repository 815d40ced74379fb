using OpenLedger.Core.Types;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Genesis;
using OpenLedger.Network.Tests.Support;
using OpenLedger.Node.Hosting;
using OpenLedger.State.Trie;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.Node.Tests.Hosting;

/// <summary>
/// The committed devnet genesis gives the same block 0 with the node's modules whether its state is built in memory
/// or in chunks into the store, and the hash is the one nodes created before the chunked build computed.
/// </summary>
public sealed class DevnetGenesisBlockTests
{
    /// <summary>Block 0 of genesis/devnet.json, as a node built before the chunked build reported it (eth_getBlockByNumber 0).</summary>
    private const string DevnetGenesisHash = "0xa42876fc3e79fadd5dc1b177801382c4c4ef6dc42067bbea3c752c623e163a12";

    [Fact]
    public void Committed_devnet_genesis_gives_the_same_block_in_memory_chunked_and_through_Blockchain_Open()
    {
        var genesis = GenesisDocument.Load(Path.Combine(RepositoryRoot.Find(), "genesis", "devnet.json"));
        var modules = ModuleCatalog.Create(genesis);
        var inMemory = GenesisBlockBuilder.Build(genesis, modules.Registry, new MemoryTrieNodeStore());
        Assert.Equal(Hash256.Parse(DevnetGenesisHash), inMemory.Block.Hash);

        foreach (var chunk in new[] { 1, 3, GenesisBlockBuilder.DefaultChunkAccounts })
        {
            using var db = new MemoryStore();
            var chunked = GenesisBlockBuilder.BuildInto(db, genesis, modules.Registry, chunkAccounts: chunk);
            Assert.Equal(inMemory.Block.Hash, chunked.Block.Hash);
            Assert.Equal(inMemory.Validators.Hash, chunked.Validators.Hash);
        }
        using var store = new MemoryStore();
        Assert.Equal(inMemory.Block.Hash, Blockchain.Open(store, genesis, modules.Registry, modules.LoadParameters).Head.Hash);
    }
}
