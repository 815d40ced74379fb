using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Core.Chain;

/// <summary>
/// A consensus vote. The signed message is keccak256(RLP([chainId, type, height, round, blockHash])):
/// it names the chain so a vote can never be replayed on another network, and it carries no timestamp so
/// every precommit for a block signs the same bytes (a commit verifies with one digest).
/// A nil vote has <see cref="BlockHash"/> = zero.
/// </summary>
public sealed record Vote
{
    public required VoteType Type { get; init; }
    public required ulong Height { get; init; }
    public required int Round { get; init; }
    public required Hash256 BlockHash { get; init; }
    public required Address Validator { get; init; }
    /// <summary>65 bytes r||s||recoveryId.</summary>
    public required byte[] Signature { get; init; }

    public bool IsNil => BlockHash.IsZero;

    public static Hash256 SigningDigest(ulong chainId, VoteType type, ulong height, int round, Hash256 blockHash)
    {
        var writer = new RlpWriter(96);
        var start = writer.BeginList();
        writer.WriteUInt64(chainId);
        writer.WriteUInt64((ulong)type);
        writer.WriteUInt64(height);
        writer.WriteUInt64((ulong)round);
        writer.WriteBytes(blockHash.Bytes);
        writer.EndList(start);
        return Keccak256.Hash(writer.WrittenSpan);
    }

    public Hash256 SigningDigest(ulong chainId) => SigningDigest(chainId, Type, Height, Round, BlockHash);

    public void Encode(RlpWriter writer)
    {
        var start = writer.BeginList();
        writer.WriteUInt64((ulong)Type);
        writer.WriteUInt64(Height);
        writer.WriteUInt64((ulong)Round);
        writer.WriteBytes(BlockHash.Bytes);
        writer.WriteBytes(Validator.Bytes);
        writer.WriteBytes(Signature);
        writer.EndList(start);
    }

    public byte[] Encode()
    {
        var writer = new RlpWriter(160);
        Encode(writer);
        return writer.ToArray();
    }

    public static Vote Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var vote = Decode(ref reader);
        reader.EnsureEnd("vote");
        return vote;
    }

    public static Vote Decode(ref RlpReader reader)
    {
        var list = reader.ReadList();
        var type = list.ReadUInt64("vote type");
        if (type is not ((ulong)VoteType.Prevote or (ulong)VoteType.Precommit))
            throw new RlpException($"invalid vote: unknown vote type {type}");
        var height = list.ReadUInt64("height");
        var round = list.ReadUInt64("round");
        if (round > int.MaxValue) throw new RlpException("invalid vote: round out of range");
        var vote = new Vote
        {
            Type = (VoteType)type,
            Height = height,
            Round = (int)round,
            BlockHash = new Hash256(list.ReadBytes(32, "block hash")),
            Validator = new Address(list.ReadBytes(20, "validator")),
            Signature = list.ReadBytes(65, "signature").ToArray(),
        };
        list.EnsureEnd("vote");
        return vote;
    }
}
