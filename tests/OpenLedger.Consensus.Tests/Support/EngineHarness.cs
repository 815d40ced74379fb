using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Proposers;
using OpenLedger.Consensus.Signing;
using OpenLedger.Consensus.Wal;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Tests.Support;

/// <summary>
/// One engine under test (validator <see cref="Me"/>) among validators whose messages the test writes by hand.
/// The stores are kept so <see cref="Restart"/> can model a crash.
/// </summary>
public sealed class EngineHarness
{
    public const ulong ChainId = 161200;

    public EngineHarness(int me = 0, params long[] powers) : this(Config, me, powers)
    {
    }

    public EngineHarness(ConsensusConfig config, int me, params long[] powers)
    {
        EngineConfig = config;
        Powers = powers.Length == 0 ? [10, 10, 10, 10] : powers;
        Validators = TestValidators.Create(Powers);
        Queue = ProposerPriorityQueue.Create(Validators);
        Me = me;
        Engine = NewEngine();
    }

    public ConsensusConfig EngineConfig { get; }

    public long[] Powers { get; }
    public ValidatorSet Validators { get; }
    public ProposerPriorityQueue Queue { get; }
    public int Me { get; }
    public InMemorySigningStateStore SigningState { get; } = new();
    public InMemoryConsensusWal Wal { get; } = new();
    public TendermintEngine Engine { get; private set; }

    public static ConsensusConfig Config { get; } = new()
    {
        ChainId = ChainId,
        TimeoutPropose = TimeSpan.FromMilliseconds(300),
        TimeoutProposeDelta = TimeSpan.FromMilliseconds(100),
        TimeoutPrevote = TimeSpan.FromMilliseconds(200),
        TimeoutPrevoteDelta = TimeSpan.FromMilliseconds(50),
        TimeoutPrecommit = TimeSpan.FromMilliseconds(200),
        TimeoutPrecommitDelta = TimeSpan.FromMilliseconds(50),
    };

    public Address AddressOf(int index) => TestValidators.AddressOf(index);

    /// <summary>The index of the validator that proposes (height 1, round).</summary>
    public int ProposerIndex(int round) => Enumerable.Range(0, Powers.Length).Single(i => AddressOf(i) == Queue.ProposerForRound(round));

    /// <summary>A round of height 1 in which <see cref="Me"/> does not propose.</summary>
    public int RoundWhereOtherProposes(int from = 0)
    {
        for (var r = from; ; r++) if (ProposerIndex(r) != Me) return r;
    }

    public IReadOnlyList<ConsensusEffect> Start(long expectedProposalBytes = 0) => Engine.StartHeight(1, Validators, Queue, expectedProposalBytes);

    public IReadOnlyList<ConsensusEffect> Restart()
    {
        Wal.LoseUnsyncedTail();
        Engine = NewEngine();
        return Start();
    }

    public IReadOnlyList<ConsensusEffect> Feed(ConsensusInput input) => Engine.Handle(input);

    public IReadOnlyList<ConsensusEffect> FeedAll(IEnumerable<ConsensusInput> inputs) => inputs.SelectMany(Feed).ToArray();

    public static ProposedBlock Block(string name) => new(Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(name)), System.Text.Encoding.UTF8.GetBytes(name));

    public Vote VoteBy(int validator, VoteType type, int round, Hash256 blockHash, ulong height = 1) =>
        new PrivValidator(new FakeVoteSigner(AddressOf(validator)), new InMemorySigningStateStore())
            .SignVote(ChainId, type, height, round, blockHash).Message!;

    public VoteReceived Prevote(int validator, int round, ProposedBlock? block) => new(VoteBy(validator, VoteType.Prevote, round, block?.Hash ?? Hash256.Zero));

    public VoteReceived Precommit(int validator, int round, ProposedBlock? block) => new(VoteBy(validator, VoteType.Precommit, round, block?.Hash ?? Hash256.Zero));

    /// <summary>A proposal for (height 1, round) signed by that round's proposer.</summary>
    public ProposalReceived ProposalFor(int round, ProposedBlock block, int polRound = -1) =>
        new(new PrivValidator(new FakeVoteSigner(AddressOf(ProposerIndex(round))), new InMemorySigningStateStore())
            .SignProposal(ChainId, 1, round, polRound, block).Message!);

    public ProposalValidated Valid(ProposedBlock block, bool valid = true) => new(1, block.Hash, valid);

    private TendermintEngine NewEngine() =>
        new(EngineConfig, new PrivValidator(new FakeVoteSigner(AddressOf(Me)), SigningState), FakeVoteVerifier.Instance, Wal);
}

public static class EffectExtensions
{
    public static IReadOnlyList<Vote> VotesCast(this IEnumerable<ConsensusEffect> effects) =>
        effects.OfType<BroadcastVote>().Select(v => v.Vote).ToArray();

    public static Vote SingleVote(this IEnumerable<ConsensusEffect> effects, VoteType type) =>
        Xunit.Assert.Single(effects.VotesCast(), v => v.Type == type);
}
