using System.Text;
using OpenLedger.Consensus.Evidence;
using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Proposers;
using OpenLedger.Consensus.Signing;
using OpenLedger.Consensus.Tests.Support;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Consensus.Tests.Simulation;

/// <summary>
/// A deterministic discrete-event simulation of N validators: simulated clock, a lossy network that delays,
/// duplicates and reorders messages, partitions that heal, crashes with restart from the durable stores, and
/// one low-power validator that equivocates. Everything random comes from one seeded generator, so a seed
/// reproduces a run exactly. Checked while it runs: safety (one block per height across all nodes),
/// identical state roots, valid commit certificates, no honest double sign, evidence only against the
/// equivocator and verifiable; and at the end: liveness after the heal.
/// </summary>
public sealed class ConsensusSimulation
{
    private const int BlockSyncBatchSize = 20;
    private const double EquivocationRate = 0.5;

    private readonly SimulationOptions _options;
    private readonly ulong _chainId;
    private readonly Random _random;
    private readonly PriorityQueue<Action, (long Time, long Sequence)> _events = new();
    private readonly SimulatedNode[] _nodes;
    private readonly List<ValidatorSet> _epochSets = [];
    private readonly Random _epochRandom;
    private readonly long[] _basePowers;
    private readonly int _equivocatorIndex;
    private readonly List<ProposerPriorityQueue> _proposerQueues = [];
    private readonly Dictionary<ulong, (Hash256 Block, Hash256 Root)> _decided = [];
    private readonly Dictionary<(Address, ulong, int, VoteType), Hash256> _honestVotes = [];
    private readonly Dictionary<(Address, ulong, int), Hash256> _honestProposals = [];
    private readonly EvidencePool _evidencePool;
    private readonly Dictionary<ulong, List<Hash256>> _proposedBlocks = [];
    private readonly List<string> _failures = [];
    private readonly int[] _partitionOf;
    private long _now;
    private long _sequence;
    private long _healedAt = -1;
    private ulong _heightAtHeal;
    private long _livenessMs = -1;

    private int _maxDecidedRound;
    private int _evidenceCount;
    private int _restarts;
    private int _partitions;
    private int _blockSyncBatches;
    private int _signingRefusals;
    private long _delivered;
    private long _dropped;

    public ConsensusSimulation(SimulationOptions options)
    {
        _options = options;
        _chainId = options.Consensus.ChainId;
        _random = new Random(options.Seed);
        _epochRandom = new Random(unchecked(options.Seed * 7919 + 17));
        _basePowers = new long[options.Validators];
        for (var i = 0; i < _basePowers.Length; i++) _basePowers[i] = 10 + _random.Next(0, 90);
        _equivocatorIndex = options.Equivocator ? _basePowers.Length - 1 : -1;
        _nodes = Enumerable.Range(0, _basePowers.Length)
            .Select(i => new SimulatedNode(i, TestValidators.AddressOf(i), i == _equivocatorIndex)).ToArray();
        _partitionOf = new int[_basePowers.Length];
        _evidencePool = new EvidencePool(_chainId, FakeVoteVerifier.Instance, ValidatorsAt, maxAgeHeights: 100_000);
    }

    public SimulationResult Run()
    {
        foreach (var node in _nodes) StartNode(node);
        ScheduleFaults();
        At(_options.ChaosMs, Heal);
        At(_options.GossipIntervalMs, GossipTick);

        while (_events.TryDequeue(out var action, out var key) && _failures.Count == 0)
        {
            _now = key.Time;
            action();
            var lowest = _nodes.Min(n => n.CommittedHeight);
            if (_healedAt >= 0 && _livenessMs < 0 && lowest >= _heightAtHeal + 2) _livenessMs = _now - _healedAt;
            if (_healedAt >= 0 && lowest >= (ulong)_options.TargetHeight) break;
            if (_healedAt >= 0 && _livenessMs < 0 && _now > _healedAt + _options.LivenessBoundMs)
                Fail($"liveness: {_options.LivenessBoundMs} ms after the heal at {_healedAt} ms the lowest node is at height {lowest}, expected at least {_heightAtHeal + 2}");
            if (_now > _options.MaxSimulatedMs)
                Fail($"the run did not reach height {_options.TargetHeight} within {_options.MaxSimulatedMs} simulated ms (lowest node at {lowest})");
        }

        if (_failures.Count > 0) _failures.Add(DescribeNodes());
        var equivocator = _nodes.FirstOrDefault(n => n.IsEquivocator);
        if (_failures.Count == 0 && equivocator is not null && _evidenceCount == 0)
            Fail("the equivocating validator was never detected");
        return new SimulationResult(
            _options.Seed, _failures.ToArray(), _nodes.Min(n => n.CommittedHeight), _now, _livenessMs, _maxDecidedRound,
            _evidenceCount, _evidencePool.PendingCount, _restarts, _partitions, _blockSyncBatches, _signingRefusals,
            _delivered, _dropped, TraceHash());
    }

    // ---- faults ----

    private void ScheduleFaults()
    {
        var chaos = _options.ChaosMs;
        if (_options.Crashes)
        {
            var crashes = 1 + _random.Next(3);
            for (var i = 0; i < crashes; i++)
            {
                var node = _nodes[_random.Next(_nodes.Length)];
                var at = 200 + _random.Next(Math.Max(1, chaos - 1200));
                var down = 300 + _random.Next(1500);
                At(at, () => Crash(node));
                At(Math.Min(at + down, chaos), () => Restart(node));
            }
        }
        if (_options.Partitions)
        {
            var partitions = 1 + _random.Next(2);
            for (var i = 0; i < partitions; i++)
            {
                var at = 200 + _random.Next(Math.Max(1, chaos - 1200));
                var length = 300 + _random.Next(2500);
                At(at, SplitNetwork);
                At(Math.Min(at + length, chaos), JoinNetwork);
            }
        }
    }

    private void Crash(SimulatedNode node)
    {
        if (!node.IsUp) return;
        node.Engine = null;
        node.Incarnation++;
        node.Wal.LoseUnsyncedTail();
        // Sometimes the crash also tears the last WAL write, e.g. between the signing-state fsync and the WAL
        // append of our own vote: then only the double-sign guard stands between the restart and a double sign.
        if (_random.NextDouble() < _options.TornWalWriteRate) node.Wal.DropLastEntry();
    }

    private void Restart(SimulatedNode node)
    {
        if (node.IsUp) return;
        _restarts++;
        StartNode(node);
    }

    private void SplitNetwork()
    {
        _partitions++;
        // Every node lands on side 0 or 1; both sides non-empty.
        do
        {
            for (var i = 0; i < _partitionOf.Length; i++) _partitionOf[i] = _random.Next(2);
        } while (_partitionOf.All(p => p == 0) || _partitionOf.All(p => p == 1));
    }

    private void JoinNetwork() => Array.Clear(_partitionOf);

    private void Heal()
    {
        JoinNetwork();
        foreach (var node in _nodes) Restart(node);
        _healedAt = _now;
        _heightAtHeal = _nodes.Max(n => n.CommittedHeight);
    }

    // ---- nodes ----

    private void StartNode(SimulatedNode node)
    {
        var privValidator = new PrivValidator(node.Key, node.SigningState);
        node.Engine = new TendermintEngine(_options.Consensus, privValidator, FakeVoteVerifier.Instance, node.Wal);
        node.Incarnation++;
        node.LastAnnounced = default;
        var height = node.CommittedHeight + 1;
        Execute(node, node.Engine.StartHeight(height, ValidatorsAt(height), ProposerQueue(height), ExpectedProposalBytes));
    }

    private ProposerPriorityQueue ProposerQueue(ulong height)
    {
        if (_proposerQueues.Count == 0) _proposerQueues.Add(ProposerPriorityQueue.Create(ValidatorsAt(1)));
        while ((ulong)_proposerQueues.Count < height)
            _proposerQueues.Add(_proposerQueues[^1].NextHeight(ValidatorsAt((ulong)_proposerQueues.Count + 1)));
        return _proposerQueues[(int)height - 1];
    }

    /// <summary>
    /// The validator set of a height. Powers change at every epoch boundary (as staking would), each by a
    /// random factor, with the equivocator kept strictly below a third of the total.
    /// </summary>
    private ValidatorSet ValidatorsAt(ulong height)
    {
        var epoch = _options.EpochLength <= 0 ? 0 : (int)((height - 1) / (ulong)_options.EpochLength);
        while (_epochSets.Count <= epoch)
        {
            var powers = _basePowers.Select(p => _epochSets.Count == 0 ? p : Math.Max(1, p * (50 + _epochRandom.Next(101)) / 100)).ToArray();
            if (_equivocatorIndex >= 0)
            {
                var others = powers.Sum() - powers[_equivocatorIndex];
                powers[_equivocatorIndex] = Math.Max(1, Math.Min(powers[_equivocatorIndex], (others - 1) / 2));
            }
            _epochSets.Add(TestValidators.Create(powers));
        }
        return _epochSets[epoch];
    }

    private void Input(SimulatedNode node, int incarnation, ConsensusInput input)
    {
        if (node.Incarnation != incarnation || node.Engine is null) return;
        Execute(node, node.Engine.Handle(input));
    }

    private void Execute(SimulatedNode node, IReadOnlyList<ConsensusEffect> effects)
    {
        var incarnation = node.Incarnation;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case BroadcastProposal { Proposal: var proposal }:
                    CheckHonestProposal(node, proposal);
                    Broadcast(node, new ProposalMessage(proposal));
                    break;
                case BroadcastVote { Vote: var vote }:
                    CheckHonestVote(node, vote);
                    Broadcast(node, new VoteMessage(vote));
                    break;
                case ScheduleTimeout timeout:
                    At(_now + (long)timeout.Duration.TotalMilliseconds,
                        () => Input(node, incarnation, new TimeoutFired(timeout.Height, timeout.Round, timeout.Step)));
                    break;
                case RequestBlock request:
                    var block = HashChainApplication.BuildBlock(request.Height, request.Round, node.Index, ++node.ProposalCounter, _options.ProposalPaddingBytes);
                    At(_now + AppDelay(node, block), () => Input(node, incarnation, new BlockToPropose(request.Height, request.Round, block)));
                    break;
                case ValidateBlock validate:
                    var valid = HashChainApplication.Validate(validate.Height, validate.Block) is null;
                    At(_now + AppDelay(node, validate.Block), () => Input(node, incarnation, new ProposalValidated(validate.Height, validate.Block.Hash, valid)));
                    break;
                case CommitBlock decided:
                    _maxDecidedRound = Math.Max(_maxDecidedRound, decided.Round);
                    ApplyBlock(node, decided.Height, decided.Block, decided.Commit);
                    var height = decided.Height;
                    At(_now + _options.BlockIntervalMs, () => StartNextHeight(node, incarnation, height));
                    break;
                case EvidenceDetected { Evidence: var evidence }:
                    _evidenceCount++;
                    if (!_nodes.Single(n => n.Address == evidence.First.Validator).IsEquivocator)
                        Fail($"node {node.Index} produced evidence against honest validator {evidence.First.Validator}");
                    else if (_evidencePool.Add(evidence, node.CommittedHeight + 1) is { Outcome: EvidenceOutcome.Invalid, Reason: var error })
                        Fail($"evidence from node {node.Index} does not verify: {error}");
                    break;
                case SigningRefused:
                    _signingRefusals++;
                    break;
                default:
                    Fail($"unexpected effect {effect.GetType().Name}");
                    break;
            }
        }
    }

    /// <summary>How long the node's application takes to build or validate <paramref name="block"/>.</summary>
    private long AppDelay(SimulatedNode node, ProposedBlock block)
    {
        var delay = _options.AppDelayMs + (long)(_options.AppDelayPerKiBMs * block.Payload.Length / 1024);
        return node.Index == _options.SlowNodeIndex ? delay * _options.SlowNodeFactor : delay;
    }

    private long ExpectedProposalBytes => _options.HintProposalSize ? _options.ProposalPaddingBytes : 0;

    private void StartNextHeight(SimulatedNode node, int incarnation, ulong decidedHeight)
    {
        if (node.Incarnation != incarnation || node.Engine is null || node.Engine.Height != decidedHeight) return;
        if (node.CommittedHeight < decidedHeight) return;
        Execute(node, node.Engine.StartHeight(decidedHeight + 1, ValidatorsAt(decidedHeight + 1), ProposerQueue(decidedHeight + 1), ExpectedProposalBytes));
    }

    private void ApplyBlock(SimulatedNode node, ulong height, ProposedBlock block, Commit commit)
    {
        if (height != node.CommittedHeight + 1)
        {
            Fail($"node {node.Index} was asked to apply height {height} on top of height {node.CommittedHeight}");
            return;
        }
        if (HashChainApplication.Validate(height, block) is { } invalid) Fail($"node {node.Index} committed an invalid block at height {height}: {invalid}");
        if (CommitVerifier.Verify(commit, ValidatorsAt(height), _chainId, height, block.Hash, FakeVoteVerifier.Instance) is { } badCommit)
            Fail($"node {node.Index} holds a bad commit certificate for height {height}: {badCommit}");
        var root = HashChainApplication.NextRoot(node.StateRoot, block.Hash);
        if (_decided.TryGetValue(height, out var earlier))
        {
            if (earlier.Block != block.Hash) Fail($"SAFETY: node {node.Index} committed {block.Hash} at height {height}, another node committed {earlier.Block}");
            else if (earlier.Root != root) Fail($"node {node.Index} has state root {root} after height {height}, another node has {earlier.Root}");
        }
        else _decided.Add(height, (block.Hash, root));
        node.Chain.Add(new CommittedBlock(height, block, commit, root));
    }

    // ---- honesty checks ----

    private void CheckHonestVote(SimulatedNode node, Vote vote)
    {
        if (node.IsEquivocator) return;
        var key = (vote.Validator, vote.Height, vote.Round, vote.Type);
        if (_honestVotes.TryGetValue(key, out var earlier) && earlier != vote.BlockHash)
            Fail($"honest node {node.Index} signed two different {vote.Type}s at height {vote.Height} round {vote.Round}");
        _honestVotes[key] = vote.BlockHash;
    }

    private void CheckHonestProposal(SimulatedNode node, Proposal proposal)
    {
        if (node.IsEquivocator) return;
        var key = (proposal.Proposer, proposal.Height, proposal.Round);
        if (_honestProposals.TryGetValue(key, out var earlier) && earlier != proposal.Block.Hash)
            Fail($"honest node {node.Index} proposed two different blocks at height {proposal.Height} round {proposal.Round}");
        _honestProposals[key] = proposal.Block.Hash;
    }

    // ---- network ----

    private void Broadcast(SimulatedNode from, ConsensusMessage message)
    {
        if (message is ProposalMessage { Proposal: var proposed }) RememberBlock(proposed);
        foreach (var peer in _nodes)
            if (peer != from) Send(from, peer, message);
        if (!from.IsEquivocator || _random.NextDouble() >= EquivocationRate) return;
        // The deliberately broken signer: sign a conflicting message with the raw key, bypassing PrivValidator.
        ConsensusMessage? conflicting = message switch
        {
            VoteMessage { Vote: var vote } => new VoteMessage(ConflictingVote(from, vote)),
            ProposalMessage { Proposal: var proposal } => new ProposalMessage(ConflictingProposal(from, proposal)),
            _ => null,
        };
        if (conflicting is null) return;
        if (conflicting is ProposalMessage { Proposal: var second }) RememberBlock(second);
        foreach (var peer in _nodes)
            if (peer != from && _random.Next(2) == 0) Send(from, peer, conflicting);
    }

    /// <summary>
    /// The second vote goes for another real block of the height when there is one (that is what could split
    /// honest validators between two blocks), otherwise for nil or a phantom block.
    /// </summary>
    private Vote ConflictingVote(SimulatedNode from, Vote vote)
    {
        var candidates = _proposedBlocks.TryGetValue(vote.Height, out var blocks) ? blocks.Where(b => b != vote.BlockHash).ToArray() : [];
        var other = candidates.Length > 0 && _random.Next(4) != 0
            ? candidates[_random.Next(candidates.Length)]
            : vote.IsNil ? Keccak256.Hash(Encoding.UTF8.GetBytes($"phantom {vote.Height} {vote.Round}")) : Hash256.Zero;
        return vote with { BlockHash = other, Signature = from.Key.Sign(Vote.SigningDigest(_chainId, vote.Type, vote.Height, vote.Round, other)) };
    }

    private Proposal ConflictingProposal(SimulatedNode from, Proposal proposal)
    {
        var block = HashChainApplication.BuildBlock(proposal.Height, proposal.Round, from.Index, 1_000_000 + ++from.ProposalCounter);
        return proposal with
        {
            Block = block,
            Signature = from.Key.Sign(Proposal.SigningDigest(_chainId, proposal.Height, proposal.Round, proposal.PolRound, block.Hash)),
        };
    }

    private void RememberBlock(Proposal proposal)
    {
        if (!_proposedBlocks.TryGetValue(proposal.Height, out var blocks)) _proposedBlocks[proposal.Height] = blocks = [];
        if (!blocks.Contains(proposal.Block.Hash)) blocks.Add(proposal.Block.Hash);
    }

    private void Send(SimulatedNode from, SimulatedNode to, object message)
    {
        if (_random.NextDouble() < _options.LossRate)
        {
            _dropped++;
            return;
        }
        var copies = _random.NextDouble() < _options.DuplicateRate ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = _random.NextDouble() < _options.SlowMessageRate
                ? _random.Next(_options.MaxDelayMs, _options.SlowDelayMs + 1)
                : _random.Next(_options.MinDelayMs, _options.MaxDelayMs + 1);
            var roundTrip = message is ConsensusMessage && _random.NextDouble() < _options.CodecRoundTripRate;
            At(_now + delay, () => Deliver(from, to, message, roundTrip));
        }
    }

    private void Deliver(SimulatedNode from, SimulatedNode to, object message, bool codecRoundTrip)
    {
        if (_partitionOf[from.Index] != _partitionOf[to.Index] || to.Engine is null)
        {
            _dropped++;
            return;
        }
        _delivered++;
        if (codecRoundTrip && message is ConsensusMessage wire)
        {
            var decoded = ConsensusMessage.Decode(wire.Encode());
            if (!decoded.Encode().AsSpan().SequenceEqual(wire.Encode())) Fail($"codec round trip changed a {wire.GetType().Name}");
            message = decoded;
        }
        switch (message)
        {
            case ProposalMessage { Proposal: var proposal }:
                Input(to, to.Incarnation, new ProposalReceived(proposal));
                break;
            case VoteMessage { Vote: var vote }:
                Input(to, to.Incarnation, new VoteReceived(vote));
                break;
            case NewRoundStepMessage status:
                AnswerStatus(to, from, status);
                break;
            case BlockSyncBatch batch:
                ApplySyncedBlocks(to, batch);
                break;
        }
    }

    /// <summary>A peer announced it is stuck: send it blocks if it is behind our chain, else the consensus messages it may miss.</summary>
    private void AnswerStatus(SimulatedNode me, SimulatedNode peer, NewRoundStepMessage status)
    {
        // One height behind: half the time answer with the deciding proposal and precommits (the engine's
        // previous-height catch-up), otherwise with block sync.
        if (me.Engine!.Height == status.Height + 1 && _random.Next(2) == 0)
        {
            foreach (var message in me.Engine.CatchUpMessagesFor(status.Height, status.Round)) Send(me, peer, message);
            return;
        }
        if (me.CommittedHeight >= status.Height && status.Height > 0)
        {
            var first = (int)status.Height - 1;
            var blocks = me.Chain.Skip(first).Take(BlockSyncBatchSize).ToArray();
            Send(me, peer, new BlockSyncBatch(blocks));
            return;
        }
        if (me.Engine.Height != status.Height) return;
        foreach (var message in me.Engine.CatchUpMessagesFor(status.Height, status.Round)) Send(me, peer, message);
    }

    private void ApplySyncedBlocks(SimulatedNode node, BlockSyncBatch batch)
    {
        var applied = false;
        foreach (var block in batch.Blocks)
        {
            if (block.Height != node.CommittedHeight + 1) continue;
            if (CommitVerifier.Verify(block.Commit, ValidatorsAt(block.Height), _chainId, block.Height, block.Block.Hash, FakeVoteVerifier.Instance) is { } error)
            {
                Fail($"node {node.Index} received a block of height {block.Height} with a commit that does not verify: {error}");
                return;
            }
            ApplyBlock(node, block.Height, block.Block, block.Commit);
            applied = true;
        }
        if (!applied) return;
        _blockSyncBatches++;
        if (node.Engine!.Height <= node.CommittedHeight)
            Execute(node, node.Engine.StartHeight(node.CommittedHeight + 1, ValidatorsAt(node.CommittedHeight + 1), ProposerQueue(node.CommittedHeight + 1), ExpectedProposalBytes));
    }

    private void GossipTick()
    {
        foreach (var node in _nodes)
        {
            if (node.Engine is not { } engine) continue;
            var position = (engine.Height, engine.Round, engine.Step);
            if (position == node.LastAnnounced)
            {
                var status = new NewRoundStepMessage(engine.Height, engine.Round, engine.Step);
                foreach (var peer in _nodes)
                    if (peer != node) Send(node, peer, status);
            }
            node.LastAnnounced = position;
        }
        At(_now + _options.GossipIntervalMs, GossipTick);
    }

    // ---- plumbing ----

    private void At(long time, Action action) => _events.Enqueue(action, (time, _sequence++));

    private void Fail(string message)
    {
        if (_failures.Count < 10) _failures.Add($"[seed {_options.Seed}, t={_now} ms] {message}");
    }

    private string DescribeNodes()
    {
        var text = new StringBuilder("node states:");
        foreach (var node in _nodes)
        {
            text.Append($"\n  node {node.Index}{(node.IsEquivocator ? " (equivocator)" : "")}: committed {node.CommittedHeight}");
            if (node.Engine is not { } e)
            {
                text.Append(", down");
                continue;
            }
            text.Append($", at {e.Height}/{e.Round}/{e.Step}, locked {e.LockedRound}, valid {e.ValidRound}, proposal {(e.ProposalAt(e.Round) is { } p ? p.Block.Hash.ToString()[..10] : "none")}");
            text.Append($", prevotes {e.VotesAt(e.Round, VoteType.Prevote).Count}, precommits {e.VotesAt(e.Round, VoteType.Precommit).Count}, proposer {_nodes.Single(n => n.Address == e.ProposerFor(e.Round)).Index}");
        }
        return text.ToString();
    }

    private Hash256 TraceHash()
    {
        var text = new StringBuilder();
        foreach (var (height, decided) in _decided.OrderBy(d => d.Key)) text.Append(height).Append(':').Append(decided.Block).Append(';');
        foreach (var node in _nodes) text.Append(node.CommittedHeight).Append(',').Append(node.SigningState.SaveCount).Append(';');
        text.Append(_now).Append('|').Append(_delivered).Append('|').Append(_dropped).Append('|').Append(_evidenceCount);
        return Keccak256.Hash(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private sealed record BlockSyncBatch(IReadOnlyList<CommittedBlock> Blocks);
}
