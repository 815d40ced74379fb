using System.Text.Json;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Json;

namespace OpenLedger.Execution.Genesis;

/// <summary>
/// The genesis file (JSON). Exactly <see cref="TotalSupply"/> OPEN exist from block 0: the sum of
/// <see cref="Accounts"/>, <see cref="RewardReserve"/> and <see cref="Treasury"/>. Nothing is ever minted.
/// </summary>
public sealed record GenesisDocument
{
    public static readonly UInt128 RequiredSupply = Wei.FromOpen(1_000_000_000);

    public required ulong ChainId { get; init; }
    /// <summary>The timestamp of block 0 in milliseconds since the Unix epoch; block 1 must be later.</summary>
    public required ulong GenesisTimeMs { get; init; }
    public UInt128 TotalSupply { get; init; } = RequiredSupply;
    public required UInt128 RewardReserve { get; init; }
    public required UInt128 Treasury { get; init; }
    public List<GenesisAccount> Accounts { get; init; } = new();
    public List<GenesisValidator> Validators { get; init; } = new();
    public ChainParameters Params { get; init; } = new();

    public static GenesisDocument Load(string path)
    {
        if (!File.Exists(path)) throw new GenesisException($"genesis file '{path}' does not exist");
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (GenesisException e)
        {
            throw new GenesisException($"{path}: {e.Message}");
        }
    }

    public static GenesisDocument Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<GenesisDocument>(json, OpenLedgerJson.Options)
                   ?? throw new GenesisException("the genesis file is empty");
        }
        catch (JsonException e)
        {
            var where = e.Path is null ? "" : $" at {e.Path}";
            var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            throw new GenesisException($"invalid genesis JSON{where}{line}: {e.Message}");
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, OpenLedgerJson.Options);

    public void Save(string path) => File.WriteAllText(path, ToJson() + "\n");
}

public sealed class GenesisException(string message) : Exception(message);
