using System.Text.Json;
using OpenLedger.Execution.Json;

namespace OpenLedger.Node.Devnet;

/// <summary>DIR/devnet.json: every node's endpoints and the funded dev accounts (with their INSECURE keys).</summary>
public sealed record DevnetManifest
{
    public required ulong ChainId { get; init; }
    public required string Genesis { get; init; }
    public required List<DevnetNode> Nodes { get; init; }
    public required List<DevnetAccount> Accounts { get; init; }
    public string Warning { get; init; } = "Dev account keys are derived from public labels: never use them on a real network.";

    public static DevnetManifest Load(string path) =>
        JsonSerializer.Deserialize<DevnetManifest>(File.ReadAllText(path), OpenLedgerJson.Options)
        ?? throw new InvalidOperationException($"{path} is empty");

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, OpenLedgerJson.Options) + "\n");
}

public sealed record DevnetNode
{
    public required string Name { get; init; }
    public required string Home { get; init; }
    public required string Grpc { get; init; }
    public required string JsonRpc { get; init; }
    public required string Metrics { get; init; }
    public required string P2P { get; init; }
    public string? PeerId { get; init; }
    public required string ConsensusAddress { get; init; }
    public required string OperatorAddress { get; init; }
    public int? ProcessId { get; init; }
}

public sealed record DevnetAccount(string Address, string PrivateKey, string Balance);
