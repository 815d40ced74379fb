using OpenLedger.Execution;
using OpenLedger.Node.Cli;
using OpenLedger.Node.Config;
using OpenLedger.Node.Devnet;
using Xunit;

namespace OpenLedger.Node.Tests.Bft;

/// <summary>`node --genesis FILE --bootnodes … --home NEW` makes a home that stays a full node across restarts.</summary>
public sealed class FullNodeHomeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ol-fullhome-" + Guid.NewGuid().ToString("N")[..12]);

    public FullNodeHomeTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Genesis(string name, ulong chainId)
    {
        var path = Path.Combine(_dir, name);
        DevnetRunner.CreateGenesis(4, 1, chainId).Save(path);
        return path;
    }

    [Fact]
    public void A_new_home_from_a_genesis_is_a_full_node_and_reads_back_as_one()
    {
        var genesis = Genesis("genesis.json", ChainParameters.DevnetChainId);
        var home = Path.Combine(_dir, "full");
        const string bootnode = "/ip4/127.0.0.1/tcp/26656/p2p/12D3KooWR1krckQJhwZCrkaj59W63P5uaqwCZKWgetgL3iYquBmX";
        var first = NodeCommand.PrepareHome(home, genesis, c => c with { Bootnodes = [bootnode] });
        Assert.Null(first.ConsensusKeyFile);
        Assert.False(Directory.Exists(Path.Combine(home, "keys")) && Directory.GetFiles(Path.Combine(home, "keys"), "consensus*").Length > 0);
        Assert.True(File.Exists(Path.Combine(home, "keys", "node_key.json")));

        // The second start reads config.json: still no consensus key (a missing property would mean the default key file).
        var reloaded = NodeConfig.Load(home);
        Assert.Null(reloaded.ConsensusKeyFile);
        Assert.Equal([bootnode], reloaded.Bootnodes);
        var again = NodeCommand.PrepareHome(home, genesis, c => c);
        Assert.Null(again.ConsensusKeyFile);
    }

    [Fact]
    public void A_home_refuses_another_chains_genesis()
    {
        var home = Path.Combine(_dir, "full");
        NodeCommand.PrepareHome(home, Genesis("a.json", ChainParameters.DevnetChainId), c => c);
        var other = Genesis("b.json", ChainParameters.DevnetChainId + 7);
        var error = Assert.Throws<NodeConfigException>(() => NodeCommand.PrepareHome(home, other, c => c));
        Assert.Contains("is not the genesis of", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overrides_apply_to_the_run_but_an_existing_home_keeps_its_config_file()
    {
        var home = Path.Combine(_dir, "validator");
        InitCommand.Initialize(home, "v", Genesis("genesis.json", ChainParameters.DevnetChainId), force: false);
        var run = NodeCommand.PrepareHome(home, null, c => c with { JsonRpcListen = "127.0.0.1:18545" });
        Assert.Equal("127.0.0.1:18545", run.JsonRpcListen);
        Assert.Equal(NodeConfig.DefaultConsensusKeyFile, run.ConsensusKeyFile);
        Assert.Equal(new NodeConfig().JsonRpcListen, NodeConfig.Load(home).JsonRpcListen);
    }
}
