using System.Text.Json;
using System.Text.Json.Serialization;
using OpenLedger.Execution.Json;

namespace OpenLedger.Node.Config;

/// <summary>
/// config.json in the node's home. Every listener binds to loopback unless the operator changes it here
/// (SPEC §8). Relative paths are relative to the home directory.
/// </summary>
public sealed record NodeConfig
{
    public string Moniker { get; init; } = "openledger";
    public string GenesisFile { get; init; } = "genesis.json";
    public string DataDirectory { get; init; } = "data";
    public string NodeKeyFile { get; init; } = "keys/node_key.json";
    /// <summary>The validator's consensus key; a node without one (or not in the set) follows the chain as a full node.</summary>
    /// <remarks>Written even when null: a missing property would read back as the default key file.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ConsensusKeyFile { get; init; } = DefaultConsensusKeyFile;
    public string GrpcListen { get; init; } = "127.0.0.1:9090";
    public string JsonRpcListen { get; init; } = "127.0.0.1:8545";
    public string MetricsListen { get; init; } = "127.0.0.1:9464";
    public string P2PListen { get; init; } = "/ip4/127.0.0.1/tcp/26656";
    public List<string> Bootnodes { get; init; } = new();
    public int MaxPeers { get; init; } = 50;
    public string LogLevel { get; init; } = "Information";
    /// <summary>Optional JSON log file (Serilog compact JSON), relative to the home directory.</summary>
    public string? JsonLogFile { get; init; }
    public int MempoolMaxTransactions { get; init; } = 100_000;
    public int MempoolMaxPerSender { get; init; } = 4_096;
    /// <summary>The database's shared block cache in MiB (docs/operations.md, "Memory"); part of the node's RSS.</summary>
    public int DatabaseCacheMiB { get; init; } = OpenLedger.Storage.RocksDbStoreOptions.DefaultBlockCacheMiB;

    public const string FileName = "config.json";
    public const string DefaultConsensusKeyFile = "keys/consensus_key.json";

    public static NodeConfig Load(string home)
    {
        var path = Path.Combine(home, FileName);
        if (!File.Exists(path))
            throw new NodeConfigException($"{path} does not exist; create the home with `openledger init --home {home}`");
        try
        {
            return JsonSerializer.Deserialize<NodeConfig>(File.ReadAllText(path), OpenLedgerJson.Options)
                   ?? throw new NodeConfigException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new NodeConfigException($"{path}: {e.Message}");
        }
    }

    public void Save(string home) =>
        File.WriteAllText(Path.Combine(home, FileName), JsonSerializer.Serialize(this, OpenLedgerJson.Options) + "\n");

    public string Resolve(string home, string path) => Path.IsPathRooted(path) ? path : Path.Combine(home, path);
}

public sealed class NodeConfigException(string message) : Exception(message);
