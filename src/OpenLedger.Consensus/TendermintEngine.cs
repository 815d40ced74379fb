using OpenLedger.Consensus.Engine;
using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Proposers;
using OpenLedger.Consensus.Signing;
using OpenLedger.Consensus.Wal;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus;

/// <summary>
/// The Tendermint consensus algorithm ("The latest gossip on BFT consensus", Buchman, Kwon, Milosevic 2018)
/// as a deterministic state machine. It owns no clock, thread, socket or random source: the host feeds it
/// <see cref="ConsensusInput"/>s and carries out the <see cref="ConsensusEffect"/>s each call returns.
/// Disk is reached only through <see cref="PrivValidator"/> (signing state, fsynced before a signature is
/// returned) and <see cref="IConsensusWal"/> (inputs of the current height, for replay after a restart).
/// <para>
/// Rule numbers in comments refer to the lines of Algorithm 1 in the paper. Quorums use exact wei power:
/// "+2/3" is power x 3 &gt; total x 2, "+1/3" is power x 3 &gt; total. Not thread-safe: call from one thread.
/// </para>
/// </summary>
public sealed class TendermintEngine
{
    private readonly ConsensusConfig _config;
    private readonly PrivValidator? _privValidator;
    private readonly IVoteVerifier _verifier;
    private readonly IConsensusWal _wal;
    private readonly List<ConsensusEffect> _effects = [];
    private readonly List<ConsensusInput> _nextHeightBuffer = [];

    private readonly Dictionary<int, Proposal> _proposals = [];
    private readonly Dictionary<Hash256, ProposedBlock> _blocks = [];
    private readonly Dictionary<Hash256, bool> _validity = [];
    private readonly HashSet<Hash256> _validationRequested = [];
    private readonly HashSet<(Address Validator, int Round, VoteType Type)> _evidenceReported = [];
    private readonly Dictionary<(int Round, VoteType Type), Vote> _ownVotesFromWal = [];
    private readonly Dictionary<int, Proposal> _ownProposalsFromWal = [];
    private readonly Dictionary<int, Address> _proposerByRound = [];

    private ValidatorSet _validators = null!;
    private HeightVoteSet _votes = null!;
    private ProposerPriorityQueue _proposerQueue = null!;
    private ProposerPriorityQueue _proposerQueueAtRound = null!;
    private int _proposerQueueRound;
    private bool _started;

    // "for the first time" guards of rules 34, 36 and 47; they apply to the current round only.
    private bool _prevoteTimeoutScheduled;
    private bool _polkaHandled;
    private bool _precommitTimeoutScheduled;
    private bool _proposeTimeoutExtended;

    // The size the height's timeouts are scaled for: the host's expectation, raised by every proposal seen.
    private long _expectedProposalBytes;

    private PreviousHeight? _previous;

    /// <param name="privValidator">Null for a node that follows consensus without voting.</param>
    public TendermintEngine(ConsensusConfig config, PrivValidator? privValidator, IVoteVerifier verifier, IConsensusWal wal)
    {
        _config = config;
        _privValidator = privValidator;
        _verifier = verifier;
        _wal = wal;
    }

    public ulong Height { get; private set; }
    public int Round { get; private set; }
    public RoundStep Step { get; private set; }
    public ProposedBlock? LockedBlock { get; private set; }
    public int LockedRound { get; private set; } = -1;
    public ProposedBlock? ValidBlock { get; private set; }
    public int ValidRound { get; private set; } = -1;

    /// <summary>The proposal size the current height's timeouts are scaled for (bytes).</summary>
    public long ExpectedProposalBytes => _expectedProposalBytes;

    /// <summary>The decision of the current height, once there is one.</summary>
    public CommitBlock? Decision { get; private set; }

    public ValidatorSet Validators => _validators;

    /// <summary>
    /// Enters <paramref name="height"/> with its validator set and proposer queue (see
    /// <see cref="ProposerPriorityQueue"/>). If the WAL holds inputs of this height (a restart), they are
    /// replayed first, so the engine resumes the round it was in; the effects of the replay are returned
    /// (re-broadcasts of our own messages and timeouts, some stale, which is harmless).
    /// </summary>
    /// <param name="expectedProposalBytes">
    /// The host's estimate of this height's proposal size (e.g. what its mempool holds, up to the proposal cap);
    /// the propose and prevote timeouts grow with it (<see cref="ConsensusConfig.TimeoutPerProposalKiB"/>). Any
    /// proposal received at the height raises it to that proposal's size. Only timing depends on it.
    /// </param>
    public IReadOnlyList<ConsensusEffect> StartHeight(ulong height, ValidatorSet validators, ProposerPriorityQueue proposers, long expectedProposalBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedProposalBytes);
        if (_started && height <= Height)
            throw new InvalidOperationException($"cannot start height {height}: the engine is already at height {Height}");
        if (validators.Count == 0) throw new ArgumentException("the validator set is empty", nameof(validators));
        _effects.Clear();
        _previous = Decision is { } decided && decided.Height + 1 == height
            ? new PreviousHeight(decided.Height, ProposalCarrying(decided.Block.Hash), _votes.Precommits(decided.Round).VotesFor(decided.Block.Hash).ToArray())
            : null;
        ResetHeight(height, validators, proposers);
        _expectedProposalBytes = expectedProposalBytes;

        _wal.StartHeight(height);
        var recorded = _wal.Read(height);
        foreach (var entry in recorded)
        {
            if (entry is VoteReceived { Vote: var vote } && IsMe(vote.Validator)) _ownVotesFromWal.TryAdd((vote.Round, vote.Type), vote);
            if (entry is ProposalReceived { Proposal: var proposal } && IsMe(proposal.Proposer)) _ownProposalsFromWal.TryAdd(proposal.Round, proposal);
        }
        StartRound(0);
        foreach (var entry in recorded) Process(entry, fromWal: true);

        var buffered = _nextHeightBuffer.ToArray();
        _nextHeightBuffer.Clear();
        foreach (var input in buffered)
            if (input.InputHeight == height) Process(input, fromWal: false);
        Evaluate();
        return _effects.ToArray();
    }

    /// <summary>Feeds one input; returns the effects to carry out, in order.</summary>
    public IReadOnlyList<ConsensusEffect> Handle(ConsensusInput input)
    {
        if (!_started) throw new InvalidOperationException("call StartHeight before feeding inputs");
        _effects.Clear();
        Process(input, fromWal: false);
        return _effects.ToArray();
    }

    /// <summary>The proposer of <paramref name="round"/> at the current height.</summary>
    public Address ProposerFor(int round)
    {
        if (_proposerByRound.TryGetValue(round, out var cached)) return cached;
        if (round < _proposerQueueRound)
        {
            _proposerQueueAtRound = _proposerQueue;
            _proposerQueueRound = 0;
        }
        while (_proposerQueueRound < round)
        {
            _proposerQueueAtRound = _proposerQueueAtRound.Increment();
            _proposerQueueRound++;
        }
        var proposer = _proposerQueueAtRound.Proposer;
        _proposerByRound[round] = proposer;
        return proposer;
    }

    public Proposal? ProposalAt(int round) => _proposals.GetValueOrDefault(round);

    /// <summary>The votes of one type we hold for (current height, round).</summary>
    public IReadOnlyList<Vote> VotesAt(int round, VoteType type) => _votes.Of(type, round).Votes.ToArray();

    /// <summary>
    /// What to send a peer that announced it is at (<paramref name="peerHeight"/>, <paramref name="peerRound"/>):
    /// at our height, the proposal and votes of its round (and of ours, if we are ahead, so it can skip
    /// rounds), or the deciding proposal and precommits once we have decided; one height behind, the
    /// proposal and precommits that decided that height. Peers further behind need block sync.
    /// </summary>
    public IReadOnlyList<ConsensusMessage> CatchUpMessagesFor(ulong peerHeight, int peerRound)
    {
        var messages = new List<ConsensusMessage>();
        if (!_started) return messages;
        if (peerHeight == Height)
        {
            if (Decision is { } decided)
            {
                if (ProposalCarrying(decided.Block.Hash) is { } proposal) messages.Add(new ProposalMessage(proposal));
                messages.AddRange(_votes.Precommits(decided.Round).VotesFor(decided.Block.Hash).Select(v => new VoteMessage(v)));
                return messages;
            }
            AddRoundMessages(messages, peerRound);
            if (Round > peerRound) AddRoundMessages(messages, Round);
        }
        else if (peerHeight + 1 == Height && _previous is { } previous)
        {
            if (previous.Proposal is not null) messages.Add(new ProposalMessage(previous.Proposal));
            messages.AddRange(previous.Precommits.Select(v => new VoteMessage(v)));
        }
        return messages;
    }

    private void AddRoundMessages(List<ConsensusMessage> messages, int round)
    {
        if (round < 0) return;
        if (_proposals.TryGetValue(round, out var proposal))
        {
            messages.Add(new ProposalMessage(proposal));
            if (proposal.PolRound >= 0 && _votes.HasRound(proposal.PolRound))
                messages.AddRange(_votes.Prevotes(proposal.PolRound).VotesFor(proposal.Block.Hash).Select(v => new VoteMessage(v)));
        }
        if (!_votes.HasRound(round)) return;
        messages.AddRange(_votes.Prevotes(round).Votes.Select(v => new VoteMessage(v)));
        messages.AddRange(_votes.Precommits(round).Votes.Select(v => new VoteMessage(v)));
    }

    private void ResetHeight(ulong height, ValidatorSet validators, ProposerPriorityQueue proposers)
    {
        _started = true;
        Height = height;
        Round = 0;
        Step = RoundStep.Propose;
        _validators = validators;
        _votes = new HeightVoteSet(validators, height);
        _proposerQueue = proposers;
        _proposerQueueAtRound = proposers;
        _proposerQueueRound = 0;
        _proposerByRound.Clear();
        _proposals.Clear();
        _blocks.Clear();
        _validity.Clear();
        _validationRequested.Clear();
        _evidenceReported.Clear();
        _ownVotesFromWal.Clear();
        _ownProposalsFromWal.Clear();
        LockedBlock = null;
        LockedRound = -1;
        ValidBlock = null;
        ValidRound = -1;
        Decision = null;
    }

    private void Process(ConsensusInput input, bool fromWal)
    {
        var height = input.InputHeight;
        if (height > Height)
        {
            if (height == Height + 1 && input is ProposalReceived or VoteReceived && _nextHeightBuffer.Count < _config.MaxBufferedNextHeightMessages)
                _nextHeightBuffer.Add(input);
            return;
        }
        if (height < Height) return;
        var changed = input switch
        {
            ProposalReceived p => OnProposal(p, fromWal),
            VoteReceived v => OnVote(v, fromWal),
            TimeoutFired t => OnTimeout(t, fromWal),
            BlockToPropose b => OnBlockToPropose(b, fromWal),
            ProposalValidated a => OnValidated(a, fromWal),
            _ => throw new ArgumentException($"unknown consensus input {input.GetType().Name}", nameof(input)),
        };
        if (changed) Evaluate();
    }

    private void Record(ConsensusInput input, bool fromWal, bool sync = false)
    {
        if (!fromWal) _wal.Append(input, sync);
    }

    // ---- inputs ----

    private bool OnProposal(ProposalReceived input, bool fromWal)
    {
        var proposal = input.Proposal;
        if (Decision is not null) return false;
        if (proposal.Round < 0 || proposal.Round > Round + _config.MaxRoundsAhead) return false;
        if (proposal.PolRound < -1 || proposal.PolRound >= proposal.Round) return false;
        if (_proposals.ContainsKey(proposal.Round)) return false; // a duplicate, or a proposer proposing twice: first one wins
        if (proposal.Proposer != ProposerFor(proposal.Round)) return false;
        if (!fromWal && !_verifier.Verify(proposal.SigningDigest(_config.ChainId), proposal.Signature, proposal.Proposer)) return false;
        Record(input, fromWal);
        StoreProposal(proposal, ownBlock: IsMe(proposal.Proposer));
        return true;
    }

    private bool OnVote(VoteReceived input, bool fromWal)
    {
        var vote = input.Vote;
        if (vote.Round < 0 || vote.Round > Round + _config.MaxRoundsAhead) return false;
        if (_validators.Find(vote.Validator) is null) return false;
        if (_votes.Of(vote.Type, vote.Round).IsKnownOrIgnored(vote)) return false;
        if (!fromWal && !_verifier.Verify(vote.SigningDigest(_config.ChainId), vote.Signature, vote.Validator)) return false;
        if (Decision is null) Record(input, fromWal);
        var result = _votes.Add(vote, out var existing);
        if (result == VoteAddResult.Conflicting) ReportDoubleSign(existing!, vote);
        return Decision is null && result is VoteAddResult.Added or VoteAddResult.Conflicting;
    }

    private bool OnTimeout(TimeoutFired timeout, bool fromWal)
    {
        if (Decision is not null || timeout.Round != Round) return false;
        switch (timeout.Step)
        {
            case RoundStep.Propose when Step == RoundStep.Propose: // rule 57
                Record(timeout, fromWal);
                if (TryExtendProposeTimeout()) return false;
                CastVote(VoteType.Prevote, Hash256.Zero);
                Step = RoundStep.Prevote;
                return true;
            case RoundStep.Prevote when Step == RoundStep.Prevote: // rule 61
                Record(timeout, fromWal);
                CastVote(VoteType.Precommit, Hash256.Zero);
                Step = RoundStep.Precommit;
                return true;
            case RoundStep.Precommit: // rule 65
                Record(timeout, fromWal);
                StartRound(Round + 1);
                return true;
            default:
                return false;
        }
    }

    private bool OnBlockToPropose(BlockToPropose input, bool fromWal)
    {
        if (Decision is not null || input.Round != Round || Step != RoundStep.Propose) return false;
        if (!IsMe(ProposerFor(Round)) || _proposals.ContainsKey(Round)) return false;
        Record(input, fromWal);
        Propose(input.Block, -1);
        return true;
    }

    private bool OnValidated(ProposalValidated answer, bool fromWal)
    {
        if (_validity.ContainsKey(answer.BlockHash) || !_blocks.ContainsKey(answer.BlockHash)) return false;
        Record(answer, fromWal);
        _validity[answer.BlockHash] = answer.IsValid;
        return Decision is null;
    }

    // ---- the algorithm ----

    private void StartRound(int round)
    {
        Round = round;
        Step = RoundStep.Propose;
        _prevoteTimeoutScheduled = false;
        _polkaHandled = false;
        _precommitTimeoutScheduled = false;
        _proposeTimeoutExtended = false;
        // Everyone, the proposer included, arms the propose timeout: a proposer whose application is slow
        // to build a block must not hold the round up forever.
        Emit(new ScheduleTimeout(Height, round, RoundStep.Propose, _config.TimeoutFor(RoundStep.Propose, round, _expectedProposalBytes)));
        if (!IsMe(ProposerFor(round)) || _validators.Find(_privValidator!.Address) is null) return;
        if (_ownProposalsFromWal.TryGetValue(round, out var recorded))
        {
            StoreProposal(recorded, ownBlock: true);
            Emit(new BroadcastProposal(recorded));
        }
        else if (ValidBlock is not null)
            Propose(ValidBlock, ValidRound); // rule 16: re-propose the block that may already be locked somewhere
        else
            Emit(new RequestBlock(Height, round));
    }

    private void Propose(ProposedBlock block, int polRound)
    {
        var outcome = _privValidator!.SignProposal(_config.ChainId, Height, Round, polRound, block);
        if (!outcome.Signed)
        {
            Emit(new SigningRefused(outcome.Refusal!));
            return;
        }
        var proposal = outcome.Message!;
        _wal.Append(new ProposalReceived(proposal), sync: true);
        StoreProposal(proposal, ownBlock: true);
        Emit(new BroadcastProposal(proposal));
    }

    private void StoreProposal(Proposal proposal, bool ownBlock)
    {
        _proposals[proposal.Round] = proposal;
        _expectedProposalBytes = Math.Max(_expectedProposalBytes, proposal.Block.Payload.Length);
        var hash = proposal.Block.Hash;
        _blocks.TryAdd(hash, proposal.Block);
        if (ownBlock) _validity.TryAdd(hash, true);
        else if (!_validity.ContainsKey(hash) && _validationRequested.Add(hash))
            Emit(new ValidateBlock(Height, proposal.Block));
    }

    /// <summary>Applies the "upon" rules until none fires.</summary>
    private void Evaluate()
    {
        var progressed = true;
        while (progressed && Decision is null)
        {
            progressed = TryDecide()
                || TrySkipRound()
                || TryPrevoteProposal()
                || TryScheduleTimeoutPrevote()
                || TryPrecommitPolka()
                || TryPrecommitNil()
                || TryScheduleTimeoutPrecommit();
        }
    }

    /// <summary>Rule 49: +2/3 precommits for a valid block in any round decide the height.</summary>
    private bool TryDecide()
    {
        foreach (var round in _votes.Rounds)
        {
            var precommits = _votes.Precommits(round);
            if (precommits.QuorumBlock is not { IsZero: false } hash) continue;
            if (!_blocks.TryGetValue(hash, out var block) || Validity(hash) != true) continue;
            var signatures = precommits.VotesFor(hash).OrderBy(v => v.Validator)
                .Select(v => new CommitSignature(v.Validator, v.Signature)).ToArray();
            var commit = new Commit { Height = Height, Round = round, BlockHash = hash, Signatures = signatures };
            Step = RoundStep.Commit;
            Decision = new CommitBlock(Height, round, block, commit);
            Emit(Decision);
            return true;
        }
        return false;
    }

    /// <summary>Rule 55: +1/3 of the power voting in a later round means we are behind; jump to it.</summary>
    private bool TrySkipRound()
    {
        var target = -1;
        foreach (var round in _votes.Rounds)
            if (round > Round && _votes.AnyVotePower(round) * 3 > _validators.TotalPower) target = round;
        if (target < 0) return false;
        StartRound(target);
        return true;
    }

    /// <summary>Rules 22 and 28: prevote the round's proposal, unless locked on something else.</summary>
    private bool TryPrevoteProposal()
    {
        if (Step != RoundStep.Propose || !_proposals.TryGetValue(Round, out var proposal)) return false;
        var hash = proposal.Block.Hash;
        bool acceptable;
        if (proposal.PolRound == -1)
        {
            if (Validity(hash) is not { } valid) return false;
            acceptable = valid && (LockedRound == -1 || LockedBlock!.Hash == hash);
        }
        else
        {
            if (!_votes.Prevotes(proposal.PolRound).HasQuorumFor(hash)) return false; // wait for the POL or the timeout
            if (Validity(hash) is not { } valid) return false;
            acceptable = valid && (LockedRound <= proposal.PolRound || LockedBlock!.Hash == hash);
        }
        CastVote(VoteType.Prevote, acceptable ? hash : Hash256.Zero);
        Step = RoundStep.Prevote;
        return true;
    }

    /// <summary>Rule 34: +2/3 prevotes for anything arm the prevote timeout.</summary>
    private bool TryScheduleTimeoutPrevote()
    {
        if (Step != RoundStep.Prevote || _prevoteTimeoutScheduled || !_votes.Prevotes(Round).HasQuorumAny) return false;
        _prevoteTimeoutScheduled = true;
        Emit(new ScheduleTimeout(Height, Round, RoundStep.Prevote, _config.TimeoutFor(RoundStep.Prevote, Round, _expectedProposalBytes)));
        return true;
    }

    /// <summary>Rule 36: +2/3 prevotes for the round's valid proposal lock it (if still prevoting) and make it the valid block.</summary>
    private bool TryPrecommitPolka()
    {
        if (_polkaHandled || Step is not (RoundStep.Prevote or RoundStep.Precommit)) return false;
        if (!_proposals.TryGetValue(Round, out var proposal)) return false;
        var hash = proposal.Block.Hash;
        if (!_votes.Prevotes(Round).HasQuorumFor(hash) || Validity(hash) != true) return false;
        _polkaHandled = true;
        if (Step == RoundStep.Prevote)
        {
            LockedBlock = proposal.Block;
            LockedRound = Round;
            CastVote(VoteType.Precommit, hash);
            Step = RoundStep.Precommit;
        }
        ValidBlock = proposal.Block;
        ValidRound = Round;
        return true;
    }

    /// <summary>
    /// The propose timeout fired while the round's proposal is here but the application has not judged it yet:
    /// instead of prevoting nil on a block that is being validated, wait once more for the time a block of that
    /// size needs (<see cref="ConsensusConfig.SizeAllowance"/>). Once per round, so a host that never answers
    /// still moves on; timeouts only ever affect liveness, never safety.
    /// </summary>
    private bool TryExtendProposeTimeout()
    {
        if (_proposeTimeoutExtended || !_proposals.TryGetValue(Round, out var proposal)) return false;
        if (_validity.ContainsKey(proposal.Block.Hash)) return false;
        var allowance = _config.SizeAllowance(proposal.Block.Payload.Length);
        if (allowance <= TimeSpan.Zero) return false;
        _proposeTimeoutExtended = true;
        Emit(new ScheduleTimeout(Height, Round, RoundStep.Propose, allowance));
        return true;
    }

    /// <summary>Rule 44: +2/3 prevotes for nil: precommit nil.</summary>
    private bool TryPrecommitNil()
    {
        if (Step != RoundStep.Prevote || !_votes.Prevotes(Round).HasQuorumFor(Hash256.Zero)) return false;
        CastVote(VoteType.Precommit, Hash256.Zero);
        Step = RoundStep.Precommit;
        return true;
    }

    /// <summary>Rule 47: +2/3 precommits for anything arm the precommit timeout (then the next round).</summary>
    private bool TryScheduleTimeoutPrecommit()
    {
        if (_precommitTimeoutScheduled || !_votes.Precommits(Round).HasQuorumAny) return false;
        _precommitTimeoutScheduled = true;
        Emit(new ScheduleTimeout(Height, Round, RoundStep.Precommit, _config.TimeoutFor(RoundStep.Precommit, Round)));
        return true;
    }

    // ---- helpers ----

    /// <summary>The application's verdict on a block; null while we wait for it.</summary>
    private bool? Validity(Hash256 hash)
    {
        if (_validity.TryGetValue(hash, out var valid)) return valid;
        if (_blocks.TryGetValue(hash, out var block) && _validationRequested.Add(hash)) Emit(new ValidateBlock(Height, block));
        return null;
    }

    private void CastVote(VoteType type, Hash256 blockHash)
    {
        if (_privValidator is null || _validators.Find(_privValidator.Address) is null) return;
        if (!_ownVotesFromWal.TryGetValue((Round, type), out var vote))
        {
            var outcome = _privValidator.SignVote(_config.ChainId, type, Height, Round, blockHash);
            if (!outcome.Signed)
            {
                Emit(new SigningRefused(outcome.Refusal!));
                return;
            }
            vote = outcome.Message!;
            _wal.Append(new VoteReceived(vote), sync: true);
        }
        _votes.Add(vote, out _);
        Emit(new BroadcastVote(vote));
    }

    private void ReportDoubleSign(Vote first, Vote second)
    {
        if (!_evidenceReported.Add((first.Validator, first.Round, first.Type))) return;
        // Canonical order (smaller block hash first) so every detector produces the same evidence hash.
        var evidence = first.BlockHash.CompareTo(second.BlockHash) < 0 ? new DuplicateVoteEvidence(first, second) : new DuplicateVoteEvidence(second, first);
        Emit(new EvidenceDetected(evidence));
    }

    private Proposal? ProposalCarrying(Hash256 blockHash) =>
        _proposals.Values.Where(p => p.Block.Hash == blockHash).OrderBy(p => p.Round).FirstOrDefault();

    private bool IsMe(Address address) => _privValidator is not null && _privValidator.Address == address;

    private void Emit(ConsensusEffect effect) => _effects.Add(effect);

    private sealed record PreviousHeight(ulong Height, Proposal? Proposal, IReadOnlyList<Vote> Precommits);
}
