using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Signing;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.Consensus.Tests;

public sealed class PrivValidatorTests
{
    private const ulong ChainId = 161200;
    private static readonly Address Me = TestValidators.AddressOf(0);
    private static readonly Hash256 BlockA = Hash256.Parse("0x" + new string('a', 64));
    private static readonly Hash256 BlockB = Hash256.Parse("0x" + new string('b', 64));

    [Fact]
    public void Refuses_a_conflicting_vote_after_a_restart_from_the_key_value_store()
    {
        using var db = new MemoryStore();
        var before = new PrivValidator(new FakeVoteSigner(Me), new KeyValueSigningStateStore(db));
        var first = before.SignVote(ChainId, VoteType.Prevote, 5, 2, BlockA);
        Assert.True(first.Signed);

        // "Crash": a new signer over the same database.
        var after = new PrivValidator(new FakeVoteSigner(Me), new KeyValueSigningStateStore(db));
        Assert.Equal((5UL, 2, RoundStep.Prevote), (after.LastSigned!.Height, after.LastSigned.Round, after.LastSigned.Step));
        var conflicting = after.SignVote(ChainId, VoteType.Prevote, 5, 2, BlockB);
        Assert.False(conflicting.Signed);
        Assert.Contains("conflicting", conflicting.Refusal);
        var nil = after.SignVote(ChainId, VoteType.Prevote, 5, 2, Hash256.Zero);
        Assert.False(nil.Signed);

        // The very same vote is handed out again, byte for byte (a restarted node re-sends it).
        var again = after.SignVote(ChainId, VoteType.Prevote, 5, 2, BlockA);
        Assert.Equal(first.Message!.Signature, again.Message!.Signature);
    }

    [Fact]
    public void Refuses_anything_at_an_earlier_height_round_or_step()
    {
        var store = new InMemorySigningStateStore();
        var signer = new PrivValidator(new FakeVoteSigner(Me), store);
        Assert.True(signer.SignVote(ChainId, VoteType.Precommit, 5, 2, BlockA).Signed);
        Assert.Contains("already signed", signer.SignVote(ChainId, VoteType.Prevote, 5, 2, BlockA).Refusal);
        Assert.False(signer.SignVote(ChainId, VoteType.Precommit, 5, 1, BlockA).Signed);
        Assert.False(signer.SignVote(ChainId, VoteType.Precommit, 4, 9, BlockA).Signed);
        Assert.False(signer.SignProposal(ChainId, 5, 2, -1, new ProposedBlock(BlockA, [1])).Signed);
        Assert.True(signer.SignProposal(ChainId, 5, 3, -1, new ProposedBlock(BlockA, [1])).Signed);
        Assert.True(signer.SignVote(ChainId, VoteType.Prevote, 6, 0, BlockB).Signed);
        Assert.Equal(3, store.SaveCount);
    }

    [Fact]
    public void The_state_is_saved_before_the_signature_is_returned()
    {
        var store = new RecordingStore();
        var key = new FakeVoteSigner(Me);
        var signer = new PrivValidator(key, store);
        var vote = signer.SignVote(ChainId, VoteType.Prevote, 1, 0, BlockA).Message!;
        Assert.Single(store.Saved);
        Assert.Equal(vote.Signature, store.Saved[0].Signature);
        Assert.Equal(vote.SigningDigest(ChainId), store.Saved[0].Digest);
        // A store that cannot persist stops the signature from leaving.
        var failing = new PrivValidator(key, new RecordingStore { FailSaves = true });
        Assert.Throws<IOException>(() => failing.SignVote(ChainId, VoteType.Prevote, 1, 0, BlockA));
    }

    [Fact]
    public void Signing_state_encoding_round_trips_and_rejects_garbage()
    {
        var state = new LastSignState(9, 3, RoundStep.Precommit, BlockA, new byte[65]);
        var decoded = LastSignState.Decode(state.Encode());
        Assert.Equal((state.Height, state.Round, state.Step, state.Digest), (decoded.Height, decoded.Round, decoded.Step, decoded.Digest));
        Assert.Throws<OpenLedger.Core.Encoding.RlpException>(() => LastSignState.Decode([0xc1, 0x01]));
    }

    private sealed class RecordingStore : ISigningStateStore
    {
        public List<LastSignState> Saved { get; } = [];
        public bool FailSaves { get; init; }
        public LastSignState? Load() => null;
        public void Save(LastSignState state)
        {
            if (FailSaves) throw new IOException("disk full");
            Saved.Add(state);
        }
    }
}
