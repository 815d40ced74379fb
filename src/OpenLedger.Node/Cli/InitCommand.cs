using System.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.Execution.Genesis;
using OpenLedger.Network.Identity;
using OpenLedger.Node.Config;

namespace OpenLedger.Node.Cli;

/// <summary>
/// `openledger init --home DIR`: node key, consensus key (none with --full-node) and a config with loopback
/// defaults, or the listeners and bootnodes given on the command line.
/// </summary>
public static class InitCommand
{
    public static Command Create()
    {
        var home = new Option<string>("--home") { Description = "Node home directory to create", Required = true };
        var genesis = new Option<string?>("--genesis") { Description = "Genesis file to copy into the home (genesis.json)" };
        var moniker = new Option<string>("--moniker") { Description = "A name for this node", DefaultValueFactory = _ => "openledger" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing config (keys are never overwritten)" };
        var fullNode = new Option<bool>("--full-node") { Description = "No consensus key: the node follows the chain without voting" };
        var settings = new NodeConfigOptions();
        var command = new Command("init", "Create a node home: node key (Ed25519), consensus key (secp256k1) and config.json")
        {
            home, genesis, moniker, force, fullNode,
        };
        settings.AddTo(command);
        command.SetAction(result => CliErrors.Run(() =>
        {
            var full = result.GetValue(fullNode);
            var config = settings.Apply(result, new NodeConfig { Moniker = result.GetValue(moniker)!, ConsensusKeyFile = full ? null : NodeConfig.DefaultConsensusKeyFile });
            var summary = Initialize(result.GetValue(home)!, result.GetValue(moniker)!, result.GetValue(genesis), result.GetValue(force), config);
            Console.WriteLine(summary);
            return 0;
        }));
        return command;
    }

    /// <summary>What `init` made; the consensus fields are null for a full node.</summary>
    public sealed record InitResult(string Home, string PeerId, string P2PAddress, string? ConsensusAddress, byte[]? ConsensusPublicKey)
    {
        public override string ToString() =>
            $"Initialized {Home}\n  peer id:            {PeerId}\n  p2p address:        {P2PAddress}" +
            (ConsensusPublicKey is null
                ? "\n  full node (no consensus key)"
                : $"\n  consensus address:  {ConsensusAddress}\n  consensus pubkey:   {Core.Encoding.Hex.Encode(ConsensusPublicKey)}");
    }

    public static InitResult Initialize(string home, string moniker, string? genesisFile, bool force, NodeConfig? config = null)
    {
        home = Path.GetFullPath(home);
        var configPath = Path.Combine(home, NodeConfig.FileName);
        if (File.Exists(configPath) && !force)
            throw new InvalidOperationException($"{configPath} already exists; use --force to rewrite the config (keys are kept)");
        Directory.CreateDirectory(Path.Combine(home, "keys"));
        config ??= new NodeConfig { Moniker = moniker };
        config.Save(home);

        var nodeKeyPath = config.Resolve(home, config.NodeKeyFile);
        var nodeKey = File.Exists(nodeKeyPath) ? NodeKey.Load(nodeKeyPath) : CreateNodeKey(nodeKeyPath);
        PrivateKey? consensus = null;
        if (config.ConsensusKeyFile is not null)
        {
            var consensusPath = config.Resolve(home, config.ConsensusKeyFile);
            if (File.Exists(consensusPath))
            {
                consensus = KeyFile.Read(consensusPath);
            }
            else
            {
                consensus = PrivateKey.Generate();
                KeyFile.Write(consensusPath, consensus);
            }
        }
        if (genesisFile is not null)
        {
            var document = GenesisDocument.Load(genesisFile);
            document.Save(config.Resolve(home, config.GenesisFile));
        }
        return new InitResult(home, nodeKey.PeerId.ToString(), config.P2PListen + "/p2p/" + nodeKey.PeerId,
            consensus?.Address.ToChecksumString(), consensus?.PublicKey);
    }

    private static NodeKey CreateNodeKey(string path)
    {
        var key = NodeKey.Generate();
        key.Save(path);
        return key;
    }
}
