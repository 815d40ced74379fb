using OpenLedger.Consensus.Messages;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus;

/// <summary>
/// Everything that can happen to the engine within a height. Inputs are also what the consensus WAL
/// records (RLP [kind, ...]) so a restarted node can replay its height.
/// </summary>
public abstract record ConsensusInput
{
    private const ulong ProposalKind = 1;
    private const ulong VoteKind = 2;
    private const ulong TimeoutKind = 3;
    private const ulong BlockToProposeKind = 4;
    private const ulong ValidatedKind = 5;

    /// <summary>The height the input belongs to.</summary>
    public ulong InputHeight => this switch
    {
        ProposalReceived p => p.Proposal.Height,
        VoteReceived v => v.Vote.Height,
        TimeoutFired t => t.Height,
        BlockToPropose b => b.Height,
        ProposalValidated a => a.Height,
        _ => throw new InvalidOperationException($"unknown consensus input {GetType().Name}"),
    };

    public byte[] Encode()
    {
        // Sized for the block a proposal carries (hundreds of kilobytes when full): growing from a small buffer would
        // copy it a dozen times, large-object arrays each.
        var writer = new RlpWriter(256 + this switch
        {
            ProposalReceived p => p.Proposal.Block.Payload.Length,
            BlockToPropose b => b.Block.Payload.Length,
            _ => 0,
        });
        Encode(writer);
        return writer.ToArray();
    }

    /// <summary>Appends the encoding to <paramref name="writer"/> (the WAL reuses one writer for every input it logs).</summary>
    public void Encode(RlpWriter writer)
    {
        var start = writer.BeginList();
        switch (this)
        {
            case ProposalReceived p:
                writer.WriteUInt64(ProposalKind);
                p.Proposal.Encode(writer);
                break;
            case VoteReceived v:
                writer.WriteUInt64(VoteKind);
                v.Vote.Encode(writer);
                break;
            case TimeoutFired t:
                writer.WriteUInt64(TimeoutKind);
                writer.WriteUInt64(t.Height);
                writer.WriteUInt64((ulong)t.Round);
                writer.WriteUInt64((ulong)t.Step);
                break;
            case BlockToPropose b:
                writer.WriteUInt64(BlockToProposeKind);
                writer.WriteUInt64(b.Height);
                writer.WriteUInt64((ulong)b.Round);
                writer.WriteBytes(b.Block.Hash.Bytes);
                writer.WriteBytes(b.Block.Payload);
                break;
            case ProposalValidated a:
                writer.WriteUInt64(ValidatedKind);
                writer.WriteUInt64(a.Height);
                writer.WriteBytes(a.BlockHash.Bytes);
                writer.WriteBool(a.IsValid);
                break;
            default:
                throw new InvalidOperationException($"no encoding for consensus input {GetType().Name}");
        }
        writer.EndList(start);
    }

    public static ConsensusInput Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var kind = list.ReadUInt64("consensus input kind");
        ConsensusInput input;
        switch (kind)
        {
            case ProposalKind:
                input = new ProposalReceived(Proposal.Decode(ref list));
                break;
            case VoteKind:
                input = new VoteReceived(Vote.Decode(ref list));
                break;
            case TimeoutKind:
            {
                var height = list.ReadUInt64("height");
                var round = ReadRound(ref list);
                var step = list.ReadUInt64("step");
                if (step is < (ulong)RoundStep.Propose or > (ulong)RoundStep.Precommit)
                    throw new RlpException($"invalid timeout: unknown step {step}");
                input = new TimeoutFired(height, round, (RoundStep)step);
                break;
            }
            case BlockToProposeKind:
            {
                var height = list.ReadUInt64("height");
                var round = ReadRound(ref list);
                var hash = new Hash256(list.ReadBytes(32, "block hash"));
                input = new BlockToPropose(height, round, new ProposedBlock(hash, list.ReadBytes().ToArray()));
                break;
            }
            case ValidatedKind:
            {
                var height = list.ReadUInt64("height");
                var hash = new Hash256(list.ReadBytes(32, "block hash"));
                var valid = list.ReadUInt64("validity");
                if (valid > 1) throw new RlpException("invalid validation answer: validity must be 0 or 1");
                input = new ProposalValidated(height, hash, valid == 1);
                break;
            }
            default:
                throw new RlpException($"invalid consensus input: unknown kind {kind}");
        }
        list.EnsureEnd("consensus input");
        reader.EnsureEnd("consensus input");
        return input;
    }

    private static int ReadRound(ref RlpReader reader)
    {
        var round = reader.ReadUInt64("round");
        if (round > int.MaxValue) throw new RlpException("round out of range");
        return (int)round;
    }
}

/// <summary>A proposal arrived from the network (or is our own, when replayed from the WAL).</summary>
public sealed record ProposalReceived(Proposal Proposal) : ConsensusInput;

/// <summary>A vote arrived from the network (or is our own, when replayed from the WAL).</summary>
public sealed record VoteReceived(Vote Vote) : ConsensusInput;

/// <summary>A timer scheduled by <see cref="ScheduleTimeout"/> went off.</summary>
public sealed record TimeoutFired(ulong Height, int Round, RoundStep Step) : ConsensusInput;

/// <summary>The application's answer to <see cref="RequestBlock"/>: the block this node proposes.</summary>
public sealed record BlockToPropose(ulong Height, int Round, ProposedBlock Block) : ConsensusInput;

/// <summary>The application's answer to <see cref="ValidateBlock"/>. Must be deterministic for a given block.</summary>
public sealed record ProposalValidated(ulong Height, Hash256 BlockHash, bool IsValid) : ConsensusInput;
