using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Messages;

/// <summary>
/// A proposer's block for (height, round). <see cref="PolRound"/> is the round in which the proposer saw
/// +2/3 prevotes for this block (its "valid round"), or -1 for a fresh block.
/// The signature covers keccak256(RLP([chainId, 32, height, round, polRound + 1, blockHash])): type 32
/// keeps the domain apart from votes (types 1 and 2), and the payload is bound through the block hash.
/// </summary>
public sealed record Proposal
{
    /// <summary>The message type byte in the signed encoding (CometBFT's SignedMsgType for proposals).</summary>
    public const ulong SignedMessageType = 32;

    public required ulong Height { get; init; }
    public required int Round { get; init; }
    public required int PolRound { get; init; }
    public required ProposedBlock Block { get; init; }
    public required Address Proposer { get; init; }
    /// <summary>65 bytes r||s||recoveryId.</summary>
    public required byte[] Signature { get; init; }

    public static Hash256 SigningDigest(ulong chainId, ulong height, int round, int polRound, Hash256 blockHash)
    {
        var writer = new RlpWriter(112);
        var start = writer.BeginList();
        writer.WriteUInt64(chainId);
        writer.WriteUInt64(SignedMessageType);
        writer.WriteUInt64(height);
        writer.WriteUInt64((ulong)round);
        writer.WriteUInt64((ulong)(polRound + 1));
        writer.WriteBytes(blockHash.Bytes);
        writer.EndList(start);
        return Keccak256.Hash(writer.WrittenSpan);
    }

    public Hash256 SigningDigest(ulong chainId) => SigningDigest(chainId, Height, Round, PolRound, Block.Hash);

    /// <summary>RLP [height, round, polRound + 1, blockHash, payload, proposer, signature].</summary>
    public void Encode(RlpWriter writer)
    {
        var start = writer.BeginList();
        writer.WriteUInt64(Height);
        writer.WriteUInt64((ulong)Round);
        writer.WriteUInt64((ulong)(PolRound + 1));
        writer.WriteBytes(Block.Hash.Bytes);
        writer.WriteBytes(Block.Payload);
        writer.WriteBytes(Proposer.Bytes);
        writer.WriteBytes(Signature);
        writer.EndList(start);
    }

    public byte[] Encode()
    {
        var writer = new RlpWriter(192 + Block.Payload.Length);
        Encode(writer);
        return writer.ToArray();
    }

    public static Proposal Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var proposal = Decode(ref reader);
        reader.EnsureEnd("proposal");
        return proposal;
    }

    public static Proposal Decode(ref RlpReader reader)
    {
        var list = reader.ReadList();
        var height = list.ReadUInt64("proposal height");
        var round = list.ReadUInt64("proposal round");
        if (round > int.MaxValue) throw new RlpException("invalid proposal: round out of range");
        var polRoundPlusOne = list.ReadUInt64("proposal pol round");
        if (polRoundPlusOne > round)
            throw new RlpException($"invalid proposal: pol round {(long)polRoundPlusOne - 1} is not below round {round}");
        var blockHash = new Hash256(list.ReadBytes(32, "proposal block hash"));
        var payload = list.ReadBytes().ToArray();
        var proposer = new Address(list.ReadBytes(20, "proposer"));
        var signature = list.ReadBytes(65, "proposal signature").ToArray();
        list.EnsureEnd("proposal");
        return new Proposal
        {
            Height = height,
            Round = (int)round,
            PolRound = (int)polRoundPlusOne - 1,
            Block = new ProposedBlock(blockHash, payload),
            Proposer = proposer,
            Signature = signature,
        };
    }
}
