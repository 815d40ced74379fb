using System.Buffers.Binary;
using System.Security.Cryptography;
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
            // Streamed: a million-account file is ~150 MB of JSON, which as one string would double the load's peak.
            using var stream = File.OpenRead(path);
            return Deserialize(() => JsonSerializer.Deserialize<GenesisDocument>(stream, OpenLedgerJson.Options));
        }
        catch (GenesisException e)
        {
            throw new GenesisException($"{path}: {e.Message}");
        }
    }

    public static GenesisDocument Parse(string json) =>
        Deserialize(() => JsonSerializer.Deserialize<GenesisDocument>(json, OpenLedgerJson.Options));

    private static GenesisDocument Deserialize(Func<GenesisDocument?> deserialize)
    {
        try
        {
            return deserialize() ?? throw new GenesisException("the genesis file is empty");
        }
        catch (JsonException e)
        {
            var where = e.Path is null ? "" : $" at {e.Path}";
            var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            throw new GenesisException($"invalid genesis JSON{where}{line}: {e.Message}");
        }
    }

    /// <summary>
    /// SHA-256 over what the genesis block is built from: the document without its accounts in canonical JSON, then
    /// each account's address and balance (20 + 16 bytes, big-endian) in file order. Account notes are left out
    /// (they never reach the state), and so is the file's formatting. A node stores it with block 0 and, on restart,
    /// compares it instead of rebuilding the genesis state (which for a million accounts costs a large transient heap).
    /// </summary>
    public Hash256 ContentDigest()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(JsonSerializer.SerializeToUtf8Bytes(this with { Accounts = [] }, OpenLedgerJson.Options));
        Span<byte> entry = stackalloc byte[Address.Length + 16];
        foreach (var account in Accounts)
        {
            account.Address.Bytes.CopyTo(entry);
            BinaryPrimitives.WriteUInt128BigEndian(entry[Address.Length..], account.Balance);
            sha.AppendData(entry);
        }
        return new Hash256(sha.GetHashAndReset());
    }

    public string ToJson() => JsonSerializer.Serialize(this, OpenLedgerJson.Options);

    /// <summary>Writes the same text as <see cref="ToJson"/> plus a newline, streamed (large genesis files).</summary>
    public void Save(string path)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, this, OpenLedgerJson.Options);
        stream.WriteByte((byte)'\n');
    }
}

public sealed class GenesisException(string message) : Exception(message);
