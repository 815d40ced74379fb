using System.CommandLine;
using OpenLedger.Core.Crypto;
using OpenLedger.Execution.Genesis;
using OpenLedger.Network.Identity;
using OpenLedger.Node.Config;

namespace OpenLedger.Node.Cli;

/// <summary>`openledger init --home DIR`: node key, consensus key and a config with loopback defaults.</summary>
public static class InitCommand
{
    public static Command Create()
    {
        var home = new Option<string>("--home") { Description = "Node home directory to create", Required = true };
        var genesis = new Option<string?>("--genesis") { Description = "Genesis file to copy into the home (genesis.json)" };
        var moniker = new Option<string>("--moniker") { Description = "A name for this node", DefaultValueFactory = _ => "openledger" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing config (keys are never overwritten)" };
        var command = new Command("init", "Create a node home: node key (Ed25519), consensus key (secp256k1) and config.json")
        {
            home, genesis, moniker, force,
        };
        command.SetAction(result => CliErrors.Run(() =>
        {
            var summary = Initialize(result.GetValue(home)!, result.GetValue(moniker)!, result.GetValue(genesis), result.GetValue(force));
            Console.WriteLine(summary);
            return 0;
        }));
        return command;
    }

    public sealed record InitResult(string Home, string PeerId, string ConsensusAddress, byte[] ConsensusPublicKey)
    {
        public override string ToString() =>
            $"Initialized {Home}\n  peer id:            {PeerId}\n  consensus address:  {ConsensusAddress}\n  consensus pubkey:   {Core.Encoding.Hex.Encode(ConsensusPublicKey)}";
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
        var consensusPath = config.Resolve(home, config.ConsensusKeyFile ?? "keys/consensus_key.json");
        PrivateKey consensus;
        if (File.Exists(consensusPath))
        {
            consensus = KeyFile.Read(consensusPath);
        }
        else
        {
            consensus = PrivateKey.Generate();
            KeyFile.Write(consensusPath, consensus);
        }
        if (genesisFile is not null)
        {
            var document = GenesisDocument.Load(genesisFile);
            document.Save(config.Resolve(home, config.GenesisFile));
        }
        return new InitResult(home, nodeKey.PeerId.ToString(), consensus.Address.ToChecksumString(), consensus.PublicKey);
    }

    private static NodeKey CreateNodeKey(string path)
    {
        var key = NodeKey.Generate();
        key.Save(path);
        return key;
    }
}
