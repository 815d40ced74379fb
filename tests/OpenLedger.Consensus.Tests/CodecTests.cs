using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using Xunit;

namespace OpenLedger.Consensus.Tests;

/// <summary>RLP encodings of what validators gossip and what the WAL stores.</summary>
public sealed class CodecTests
{
    private static readonly ProposedBlock Block = EngineHarness.Block("payload");

    [Fact]
    public void Proposal_round_trips_and_its_digest_covers_chain_round_and_pol_round()
    {
        var h = new EngineHarness();
        var proposal = h.ProposalFor(2, Block, polRound: 1).Proposal;
        var decoded = Proposal.Decode(proposal.Encode());
        Assert.Equal(proposal.Encode(), decoded.Encode());
        Assert.Equal((proposal.Height, proposal.Round, proposal.PolRound, proposal.Proposer), (decoded.Height, decoded.Round, decoded.PolRound, decoded.Proposer));
        Assert.Equal(Block.Payload, decoded.Block.Payload);

        var digest = proposal.SigningDigest(EngineHarness.ChainId);
        Assert.NotEqual(digest, proposal.SigningDigest(EngineHarness.ChainId + 1));
        Assert.NotEqual(digest, (proposal with { PolRound = -1 }).SigningDigest(EngineHarness.ChainId));
        Assert.NotEqual(digest, (proposal with { Round = 3 }).SigningDigest(EngineHarness.ChainId));
        // A proposal never signs the same bytes as a vote for the same position.
        Assert.NotEqual(digest, Vote.SigningDigest(EngineHarness.ChainId, VoteType.Prevote, 1, 2, Block.Hash));
    }

    [Fact]
    public void Proposal_without_pol_round_encodes_it_as_zero()
    {
        var proposal = new EngineHarness().ProposalFor(0, Block).Proposal;
        Assert.Equal(-1, Proposal.Decode(proposal.Encode()).PolRound);
    }

    [Fact]
    public void Proposal_with_a_pol_round_not_below_its_round_is_rejected()
    {
        var proposal = new EngineHarness().ProposalFor(1, Block).Proposal with { PolRound = 1 };
        var error = Assert.Throws<RlpException>(() => Proposal.Decode(proposal.Encode()));
        Assert.Contains("pol round", error.Message);
    }

    [Fact]
    public void Consensus_messages_round_trip_with_their_kind()
    {
        var h = new EngineHarness();
        ConsensusMessage[] messages =
        [
            new ProposalMessage(h.ProposalFor(0, Block).Proposal),
            new VoteMessage(h.VoteBy(2, VoteType.Precommit, 3, Block.Hash)),
            new NewRoundStepMessage(42, 7, RoundStep.Prevote),
        ];
        foreach (var message in messages)
        {
            var decoded = ConsensusMessage.Decode(message.Encode());
            Assert.Equal(message.GetType(), decoded.GetType());
            Assert.Equal(message.Encode(), decoded.Encode());
        }
        Assert.Equal(new NewRoundStepMessage(42, 7, RoundStep.Prevote), ConsensusMessage.Decode(messages[2].Encode()));
    }

    [Theory]
    [InlineData("c109", "unknown kind 9")]
    [InlineData("c503c3010105", "unknown step 5")]
    [InlineData("c20301", "")]
    public void Malformed_consensus_messages_are_rejected_with_a_reason(string hex, string reason)
    {
        var error = Assert.Throws<RlpException>(() => ConsensusMessage.Decode(Convert.FromHexString(hex)));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Wal_inputs_round_trip()
    {
        var h = new EngineHarness();
        ConsensusInput[] inputs =
        [
            h.ProposalFor(1, Block, 0),
            h.Prevote(1, 0, Block),
            new TimeoutFired(3, 2, RoundStep.Precommit),
            new BlockToPropose(3, 1, Block),
            new ProposalValidated(3, Block.Hash, false),
        ];
        foreach (var input in inputs)
        {
            var decoded = ConsensusInput.Decode(input.Encode());
            Assert.Equal(input.GetType(), decoded.GetType());
            Assert.Equal(input.Encode(), decoded.Encode());
            Assert.Equal(input.InputHeight, decoded.InputHeight);
        }
        Assert.Equal(new TimeoutFired(3, 2, RoundStep.Precommit), ConsensusInput.Decode(inputs[2].Encode()));
        Assert.Equal(new ProposalValidated(3, Block.Hash, false), ConsensusInput.Decode(inputs[4].Encode()));
    }
}

/// <summary>Gossip is untrusted input: decoding arbitrary or corrupted bytes fails only with <see cref="RlpException"/>.</summary>
public sealed class CodecFuzzTests
{
    private static readonly byte[][] Valid = BuildValid();

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool Random_bytes_decode_or_fail_with_an_rlp_error(byte[] bytes) => DecodesOrRejects(bytes);

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool Corrupted_valid_messages_decode_or_fail_with_an_rlp_error(byte pick, int position, byte value)
    {
        var bytes = (byte[])Valid[pick % Valid.Length].Clone();
        bytes[(int)((uint)position % (uint)bytes.Length)] = value;
        return DecodesOrRejects(bytes) && DecodesOrRejects(bytes[..(int)((uint)position % (uint)bytes.Length)]);
    }

    private static bool DecodesOrRejects(byte[] bytes)
    {
        try
        {
            var message = ConsensusMessage.Decode(bytes);
            // Anything accepted must re-encode to the same bytes (strict, canonical decoding).
            return message.Encode().AsSpan().SequenceEqual(bytes);
        }
        catch (RlpException)
        {
            return true;
        }
    }

    private static byte[][] BuildValid()
    {
        var h = new EngineHarness();
        var block = EngineHarness.Block("fuzz");
        return
        [
            new ProposalMessage(h.ProposalFor(1, block, 0).Proposal).Encode(),
            new VoteMessage(h.VoteBy(1, VoteType.Prevote, 2, block.Hash)).Encode(),
            new NewRoundStepMessage(5, 1, RoundStep.Precommit).Encode(),
        ];
    }
}
