using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Consensus.Wal;
using OpenLedger.Core.Chain;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.Consensus.Tests;

/// <summary>A restarted validator resumes its round from the WAL and never signs a conflicting message.</summary>
public sealed class WalAndRestartTests
{
    private static readonly ProposedBlock BlockA = EngineHarness.Block("block A");
    private static readonly ProposedBlock BlockB = EngineHarness.Block("block B");

    [Fact]
    public void A_restarted_engine_resumes_its_round_lock_and_votes()
    {
        var h = new EngineHarness(me: 0);
        var round = h.RoundWhereOtherProposes(1);
        h.Start();
        EngineTests.GoToRound(h, round);
        h.FeedAll([h.ProposalFor(round, BlockA), h.Valid(BlockA)]);
        var precommitted = h.FeedAll(new[] { 1, 2 }.Select(v => h.Prevote(v, round, BlockA)));
        var precommit = precommitted.SingleVote(VoteType.Precommit);

        var replayed = h.Restart();
        Assert.Equal((1UL, round, RoundStep.Precommit), (h.Engine.Height, h.Engine.Round, h.Engine.Step));
        Assert.Equal((round, BlockA.Hash), (h.Engine.LockedRound, h.Engine.LockedBlock!.Hash));
        Assert.Empty(replayed.OfType<SigningRefused>());
        // Our own votes come back byte for byte and are sent again.
        Assert.Contains(replayed.VotesCast(), v => v.Type == VoteType.Precommit && v.Round == round && v.Signature.SequenceEqual(precommit.Signature));

        // The height still finishes after the restart.
        var decided = h.FeedAll(new[] { 1, 2 }.Select(v => h.Precommit(v, round, BlockA)));
        Assert.Equal(BlockA.Hash, Assert.Single(decided.OfType<CommitBlock>()).Block.Hash);
    }

    [Fact]
    public void Without_its_wal_a_restarted_validator_refuses_to_vote_differently_in_the_same_round()
    {
        var h = new EngineHarness(me: 0);
        var round = h.RoundWhereOtherProposes();
        h.Start();
        EngineTests.GoToRound(h, round);
        var prevote = h.FeedAll([h.ProposalFor(round, BlockA), h.Valid(BlockA)]).SingleVote(VoteType.Prevote);
        Assert.Equal(BlockA.Hash, prevote.BlockHash);

        // The disk with the WAL is lost but the signing state survives: a new engine starts the height afresh.
        var fresh = new TendermintEngine(EngineHarness.Config, new Signing.PrivValidator(new FakeVoteSigner(h.AddressOf(0)), h.SigningState),
            FakeVoteVerifier.Instance, new InMemoryConsensusWal());
        fresh.StartHeight(1, h.Validators, h.Queue);
        var skipped = round == 0 ? [] : fresh.Handle(new VoteReceived(h.VoteBy(1, VoteType.Precommit, round, default)))
            .Concat(fresh.Handle(new VoteReceived(h.VoteBy(2, VoteType.Precommit, round, default)))).ToArray();
        Assert.Equal(round, fresh.Round);
        var effects = fresh.Handle(new TimeoutFired(1, round, RoundStep.Propose)); // would prevote nil now
        Assert.Empty(effects.VotesCast());
        Assert.Contains("conflicting", Assert.Single(effects.OfType<SigningRefused>()).Reason);
        Assert.Empty(skipped.VotesCast());
    }

    [Fact]
    public void A_proposer_that_restarts_re_sends_the_same_proposal_instead_of_building_another()
    {
        var proposer = new EngineHarness().ProposerIndex(0);
        var h = new EngineHarness(me: proposer);
        h.Start();
        var first = Assert.Single(h.Feed(new BlockToPropose(1, 0, BlockA)).OfType<BroadcastProposal>()).Proposal;
        var replayed = h.Restart();
        Assert.DoesNotContain(new RequestBlock(1, 0), replayed);
        var again = Assert.Single(replayed.OfType<BroadcastProposal>()).Proposal;
        Assert.Equal(first.Encode(), again.Encode());
        // A late answer from the application for that round changes nothing.
        Assert.Empty(h.Feed(new BlockToPropose(1, 0, BlockB)).OfType<BroadcastProposal>());
    }

    [Fact]
    public void Moving_to_the_next_height_deletes_the_last_one_without_reading_it_back()
    {
        using var db = new MemoryStore();
        var iterating = new IterationCountingStore(db);
        var wal = new KeyValueConsensusWal(iterating);
        for (ulong height = 1; height <= 20; height++)
        {
            var before = iterating.EntriesIterated;
            wal.StartHeight(height);
            // The first height of a run scans what an earlier run left (nothing here); later ones read nothing back.
            Assert.Equal(0, iterating.EntriesIterated - before);
            Assert.Empty(wal.Read(height - 1));
            for (var i = 0; i < 5; i++) wal.Append(new TimeoutFired(height, i, RoundStep.Propose), sync: false);
            // Starting the same height again keeps its entries and their numbering.
            wal.StartHeight(height);
            wal.Append(new TimeoutFired(height, 9, RoundStep.Precommit), sync: false);
            Assert.Equal(6, wal.Read(height).Count);
            Assert.Equal(new TimeoutFired(height, 9, RoundStep.Precommit), wal.Read(height)[^1]);
        }
        Assert.Equal(6, db.Iterate(DbColumn.Consensus, "wal"u8.ToArray()).Count());
    }

    private sealed class IterationCountingStore(IKeyValueStore inner) : IKeyValueStore
    {
        public long EntriesIterated { get; private set; }
        public byte[]? Get(DbColumn column, ReadOnlySpan<byte> key) => inner.Get(column, key);
        public bool Contains(DbColumn column, ReadOnlySpan<byte> key) => inner.Contains(column, key);
        public void Put(DbColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool sync = false) => inner.Put(column, key, value, sync);
        public void Delete(DbColumn column, ReadOnlySpan<byte> key, bool sync = false) => inner.Delete(column, key, sync);
        public IWriteBatch CreateBatch() => inner.CreateBatch();
        public void Write(IWriteBatch batch, bool sync = false) => inner.Write(batch, sync);
        public void Dispose() => inner.Dispose();

        public IEnumerable<(byte[] Key, byte[] Value)> Iterate(DbColumn column, byte[]? prefix = null)
        {
            foreach (var entry in inner.Iterate(column, prefix))
            {
                EntriesIterated++;
                yield return entry;
            }
        }
    }

    [Fact]
    public void Key_value_wal_keeps_order_drops_old_heights_and_continues_sequences_after_reopening()
    {
        using var db = new MemoryStore();
        var h = new EngineHarness();
        var wal = new KeyValueConsensusWal(db);
        wal.StartHeight(1);
        ConsensusInput[] heightOne = [h.Prevote(1, 0, BlockA), new TimeoutFired(1, 0, RoundStep.Propose), h.Valid(BlockA)];
        foreach (var input in heightOne) wal.Append(input, sync: false);
        Assert.Equal(heightOne.Select(i => i.Encode()), wal.Read(1).Select(i => i.Encode()));

        var reopened = new KeyValueConsensusWal(db);
        reopened.StartHeight(1);
        reopened.Append(new TimeoutFired(1, 0, RoundStep.Prevote), sync: true);
        Assert.Equal(4, reopened.Read(1).Count);
        Assert.Equal(new TimeoutFired(1, 0, RoundStep.Prevote), reopened.Read(1)[^1]);

        reopened.StartHeight(2);
        Assert.Empty(reopened.Read(1));
        Assert.Throws<InvalidOperationException>(() => reopened.Append(new TimeoutFired(1, 0, RoundStep.Prevote), sync: false));
        // The signing state shares the column and survives WAL pruning.
        new Signing.KeyValueSigningStateStore(db).Save(new Signing.LastSignState(1, 0, RoundStep.Prevote, BlockA.Hash, new byte[65]));
        reopened.StartHeight(3);
        Assert.NotNull(new Signing.KeyValueSigningStateStore(db).Load());
    }

    [Fact]
    public void Entries_written_through_the_reused_encoder_read_back_exactly_whatever_their_sizes()
    {
        using var db = new MemoryStore();
        var wal = new KeyValueConsensusWal(db);
        wal.StartHeight(7);
        // A large block, then smaller inputs into the same writer, then a block larger than any before (the writer grows).
        var large = new ProposedBlock(Core.Crypto.Keccak256.Hash([1]), Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray());
        var small = new ProposedBlock(Core.Crypto.Keccak256.Hash([2]), [9, 8, 7]);
        var larger = new ProposedBlock(Core.Crypto.Keccak256.Hash([3]), Enumerable.Range(0, 9_000_000).Select(i => (byte)(i * 7)).ToArray());
        ConsensusInput[] inputs =
        [
            new BlockToPropose(7, 0, large), new TimeoutFired(7, 0, RoundStep.Propose), new BlockToPropose(7, 1, small),
            new ProposalValidated(7, small.Hash, true), new BlockToPropose(7, 2, larger), new BlockToPropose(7, 3, small),
        ];
        foreach (var input in inputs) wal.Append(input, sync: false);
        Assert.Equal(inputs.Select(i => i.Encode()), wal.Read(7).Select(i => i.Encode()));
    }

    [Fact]
    public void In_memory_wal_loses_only_the_unsynced_tail_in_a_crash()
    {
        var h = new EngineHarness();
        var wal = new InMemoryConsensusWal();
        wal.StartHeight(1);
        wal.Append(h.Prevote(1, 0, BlockA), sync: false);
        wal.Append(h.Prevote(2, 0, BlockA), sync: true);
        wal.Append(h.Prevote(3, 0, BlockA), sync: false);
        wal.LoseUnsyncedTail();
        Assert.Equal(2, wal.Read(1).Count);
    }
}
