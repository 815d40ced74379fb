using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Consensus.Messages;

/// <summary>
/// What validators gossip on the consensus topic: RLP [kind, body]. Kind 1 = proposal, 2 = vote,
/// 3 = round-step announcement (lets a peer see that we are behind and send us what we miss).
/// </summary>
public abstract record ConsensusMessage
{
    private const ulong ProposalKind = 1;
    private const ulong VoteKind = 2;
    private const ulong RoundStepKind = 3;

    public byte[] Encode()
    {
        // Sized for the block a proposal carries, as ConsensusInput.Encode is.
        var writer = new RlpWriter(256 + (this is ProposalMessage p0 ? p0.Proposal.Block.Payload.Length : 0));
        var start = writer.BeginList();
        switch (this)
        {
            case ProposalMessage p:
                writer.WriteUInt64(ProposalKind);
                p.Proposal.Encode(writer);
                break;
            case VoteMessage v:
                writer.WriteUInt64(VoteKind);
                v.Vote.Encode(writer);
                break;
            case NewRoundStepMessage s:
                writer.WriteUInt64(RoundStepKind);
                var body = writer.BeginList();
                writer.WriteUInt64(s.Height);
                writer.WriteUInt64((ulong)s.Round);
                writer.WriteUInt64((ulong)s.Step);
                writer.EndList(body);
                break;
            default:
                throw new InvalidOperationException($"no encoding for consensus message {GetType().Name}");
        }
        writer.EndList(start);
        return writer.ToArray();
    }

    /// <summary>Decodes a gossiped message; throws <see cref="RlpException"/> saying what is wrong with it.</summary>
    public static ConsensusMessage Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var list = reader.ReadList();
        var kind = list.ReadUInt64("consensus message kind");
        ConsensusMessage message;
        switch (kind)
        {
            case ProposalKind:
                message = new ProposalMessage(Proposal.Decode(ref list));
                break;
            case VoteKind:
                message = new VoteMessage(Vote.Decode(ref list));
                break;
            case RoundStepKind:
                var body = list.ReadList();
                var height = body.ReadUInt64("height");
                var round = body.ReadUInt64("round");
                if (round > int.MaxValue) throw new RlpException("invalid round step: round out of range");
                var step = body.ReadUInt64("step");
                if (step is < (ulong)RoundStep.Propose or > (ulong)RoundStep.Commit)
                    throw new RlpException($"invalid round step: unknown step {step}");
                body.EnsureEnd("round step");
                message = new NewRoundStepMessage(height, (int)round, (RoundStep)step);
                break;
            default:
                throw new RlpException($"invalid consensus message: unknown kind {kind}");
        }
        list.EnsureEnd("consensus message");
        reader.EnsureEnd("consensus message");
        return message;
    }
}

public sealed record ProposalMessage(Proposal Proposal) : ConsensusMessage;

public sealed record VoteMessage(Vote Vote) : ConsensusMessage;

/// <summary>"I am at (height, round, step)": peers answer with <c>TendermintEngine.CatchUpMessagesFor</c>.</summary>
public sealed record NewRoundStepMessage(ulong Height, int Round, RoundStep Step) : ConsensusMessage;
