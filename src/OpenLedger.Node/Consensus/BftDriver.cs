using OpenLedger.Consensus;
using OpenLedger.Consensus.Messages;
using OpenLedger.Consensus.Proposers;
using OpenLedger.Consensus.Signing;
using OpenLedger.Consensus.Wal;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Types;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Processing;
using OpenLedger.Execution.TxPool;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Identity;
using OpenLedger.Network.Protocols;
using OpenLedger.Node.Hosting;
using OpenLedger.Node.Network;
using OpenLedger.Storage;
using Serilog;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// The impure shell around the pure <see cref="TendermintEngine"/>: one loop owns the engine and the chain's
/// write side, and everything that happens to them (gossiped messages, timers, the next-height start, the
/// periodic position announcement, block sync) arrives through one channel, so the engine is never called
/// concurrently. Effects are carried out here: gossip on the consensus topic, timers on the
/// <see cref="TimeProvider"/>, blocks built from the mempool, proposals re-executed, decided blocks
/// committed. Signing state and WAL live in the node's RocksDB, so a restart resumes without double-signing.
/// </summary>
public sealed class BftDriver : IBlockProducer
{
    /// <summary>How often the node announces its (height, round, step) so peers send what it missed.</summary>
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromMilliseconds(1000);

    private readonly Blockchain _chain;
    private readonly TransactionPool _pool;
    private readonly P2PService _p2p;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Address _address;
    private readonly TendermintEngine _engine;
    private readonly string _consensusTopic;
    private readonly EvidenceGossip _evidence;
    private readonly NodeMetrics? _metrics;
    private readonly DedicatedWorkLoop<DriverWork> _inbox = new("consensus");
    private readonly Dictionary<Hash256, ExecutedBlock> _executed = new();
    private readonly BlockSyncer _syncer;
    private readonly CatchUpPolicy _catchUp = new();
    private readonly ProposalBudget _budget;
    private ProposerPriorityQueue _proposers = null!;
    private long _heightStarted;

    public BftDriver(Blockchain chain, TransactionPool pool, PrivateKey consensusKey, IKeyValueStore db, P2PService p2p, TimeProvider time, ILogger log,
        NodeMetrics? metrics = null)
    {
        _chain = chain;
        _pool = pool;
        _p2p = p2p;
        _time = time;
        _log = log;
        _address = consensusKey.Address;
        var privValidator = new PrivValidator(new Secp256k1VoteSigner(consensusKey), new KeyValueSigningStateStore(db));
        _engine = new TendermintEngine(ConfigFor(chain), privValidator, Secp256k1VoteVerifier.Instance, new KeyValueConsensusWal(db));
        _consensusTopic = OpenLedgerProtocolIds.ConsensusTopic(chain.ChainId);
        _metrics = metrics;
        _evidence = new EvidenceGossip(chain, db, p2p, log, metrics);
        if (metrics is not null) chain.BlockCommitted += (block, _) => metrics.ObserveLastCommit(block, chain.ValidatorSetAt(block.Number - 1));
        _syncer = new BlockSyncer(chain, pool, p2p, log);
        _budget = BudgetFor(chain);
    }

    /// <summary>The proposal cap (<see cref="ProposalBudget"/>) in effect.</summary>
    public ProposalBudget Budget => _budget;

    /// <summary>
    /// A peer should validate a proposal within half the round-0 propose timeout, so that the proposer building it
    /// and a peer re-executing it fit in that timeout together; at least 100 transfers' worth of gas.
    /// </summary>
    public static ProposalBudget BudgetFor(Blockchain chain) =>
        new(chain.Parameters.BlockGasLimit, ConfigFor(chain).TimeoutPropose / 2, minGas: 100 * 21_000);

    public TendermintEngine Engine => _engine;

    /// <summary>Round timeouts scaled to the block interval: the devnet's 500 ms blocks get short rounds.</summary>
    public static ConsensusConfig ConfigFor(Blockchain chain) =>
        chain.Parameters.BlockIntervalMs <= 1000
            ? new ConsensusConfig
            {
                ChainId = chain.ChainId,
                TimeoutPropose = TimeSpan.FromMilliseconds(1000),
                TimeoutProposeDelta = TimeSpan.FromMilliseconds(250),
                TimeoutPrevote = TimeSpan.FromMilliseconds(500),
                TimeoutPrevoteDelta = TimeSpan.FromMilliseconds(250),
                TimeoutPrecommit = TimeSpan.FromMilliseconds(500),
                TimeoutPrecommitDelta = TimeSpan.FromMilliseconds(250),
                TimeoutPerProposalKiB = ProposalTimeoutPerKiB,
            }
            : new ConsensusConfig { ChainId = chain.ChainId, TimeoutPerProposalKiB = ProposalTimeoutPerKiB };

    /// <summary>
    /// Propose and prevote time per KiB of expected proposal: a full 60M-gas block of transfers is about 330 KB
    /// and took 0.3-1 s to execute on the devnet's loaded cores; building, gossiping and re-executing it costs
    /// about twice that, so 4 ms per KiB (+1.3 s for a full block).
    /// </summary>
    public static readonly TimeSpan ProposalTimeoutPerKiB = TimeSpan.FromMilliseconds(4);

    /// <summary>
    /// Runs consensus until <paramref name="ct"/> is cancelled. The loop has its own thread
    /// (<see cref="DedicatedWorkLoop{T}"/>), so timeouts and votes are handled on time while the thread pool is busy
    /// with a transaction burst.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _p2p.Host.Gossip.Subscribe(_consensusTopic, ValidateGossip);
        _p2p.Host.Gossip.PrioritiseTopic(_consensusTopic);
        _evidence.Start();
        _p2p.Host.Gossip.MessageReceived += OnGossip;
        _log.Information("BFT consensus as validator {Validator} of {Count}, consensus topic {Topic}", _address, _chain.Validators.Count, _consensusTopic);
        var announcer = Task.Run(() => AnnounceLoopAsync(ct), CancellationToken.None);
        try
        {
            await _inbox.RunAsync(
                () => StartHeight(_chain.Head.Number + 1),
                work => Process(work, ct),
                // One bad message or a failed commit must not stop consensus; the engine state is unchanged.
                (work, e) => _log.Error(e, "Consensus step failed on {Work}", work.GetType().Name),
                ct);
        }
        finally
        {
            _p2p.Host.Gossip.MessageReceived -= OnGossip;
            await announcer;
        }
    }

    /// <summary>Consensus gossip is forwarded only if it decodes (full nodes relay it with the same check).</summary>
    internal static ValidationResult ValidateGossip(GossipMessage message)
    {
        try
        {
            message.ValidatorData = ConsensusMessage.Decode(message.Data);
            return ValidationResult.Accept;
        }
        catch (RlpException)
        {
            return ValidationResult.Reject;
        }
    }

    private void OnGossip(GossipMessage message)
    {
        if (message.Topic == _consensusTopic)
        {
            try
            {
                var decoded = message.ValidatorData as ConsensusMessage ?? ConsensusMessage.Decode(message.Data);
                _inbox.Post(new GossipReceived(decoded, message.From));
            }
            catch (RlpException e)
            {
                _log.Debug("Dropped an undecodable consensus message from {Peer}: {Reason}", message.From, e.Message);
            }
        }
    }

    private async Task AnnounceLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(AnnounceInterval, _time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _inbox.Post(new AnnounceTick());
        }
    }

    private void Process(DriverWork work, CancellationToken ct)
    {
        switch (work)
        {
            case EngineInput input:
                Feed(input.Input);
                break;
            case GossipReceived gossip:
                OnConsensusMessage(gossip.Message, gossip.From);
                break;
            case StartNextHeight next:
                // A stale start (block sync moved the chain meanwhile) is dropped.
                if (next.Height == _chain.Head.Number + 1 && _engine.Height < next.Height) StartHeight(next.Height);
                break;
            case AnnounceTick:
                OnAnnounceTick(ct);
                break;
        }
    }

    private void OnConsensusMessage(ConsensusMessage message, PeerId from)
    {
        switch (message)
        {
            case ProposalMessage p:
                Feed(new ProposalReceived(p.Proposal));
                break;
            case VoteMessage v:
                Feed(new VoteReceived(v.Vote));
                break;
            case NewRoundStepMessage position:
                // A peer at height h has committed h - 1.
                if (position.Height > 0) _p2p.ReportPeerHeight(from, position.Height - 1);
                if (position.Height <= _engine.Height && _catchUp.ShouldAnswer(from, position, _engine.Height, _engine.Round))
                    foreach (var m in _engine.CatchUpMessagesFor(position.Height, position.Round))
                        Publish(m);
                break;
        }
    }

    private void OnAnnounceTick(CancellationToken ct)
    {
        if (_p2p.HighestPeer() is { } best && BlockSyncTrigger.ShouldSync(_chain.Head.Number, best.Height, _time.GetElapsedTime(_heightStarted)))
        {
            Sync(best.Peer, best.Height, ct);
            return;
        }
        Publish(new NewRoundStepMessage(_engine.Height, _engine.Round, _engine.Step));
    }

    /// <summary>
    /// Block sync (<see cref="BlockSyncer"/>), then consensus restarts at the new height. The consensus thread waits
    /// for it: nothing else may touch the engine or the chain's write side meanwhile.
    /// </summary>
    private void Sync(PeerId peer, ulong target, CancellationToken ct)
    {
        _syncer.SyncAsync(peer, target, ct).GetAwaiter().GetResult();
        if (_engine.Height != _chain.Head.Number + 1)
        {
            _executed.Clear();
            StartHeight(_chain.Head.Number + 1);
        }
    }

    private void StartHeight(ulong height)
    {
        _proposers = ProposersFor(height);
        _heightStarted = _time.GetTimestamp();
        _budget.SetBlockGasLimit(_chain.Parameters.BlockGasLimit);
        var pending = new Queue<ConsensusInput>();
        Apply(_engine.StartHeight(height, _chain.Validators, _proposers, _budget.ExpectedProposalBytes(_pool.PendingGas)), pending);
        Drain(pending);
    }

    private void Feed(ConsensusInput input)
    {
        var pending = new Queue<ConsensusInput>();
        pending.Enqueue(input);
        Drain(pending);
    }

    private void Drain(Queue<ConsensusInput> pending)
    {
        var (height, round) = (_engine.Height, _engine.Round);
        while (pending.TryDequeue(out var next)) Apply(_engine.Handle(next), pending);
        if (_engine.Height == height && _engine.Round > round) LogRoundChange(height, round);
        _metrics?.ObserveConsensus(_engine.Height, _engine.Round, _engine.Step);
    }

    /// <summary>
    /// A height that needs another round costs its timeouts (seconds with big blocks): say what the abandoned round
    /// saw, so a stall can be traced to a missing proposal or to the validators whose votes did not arrive.
    /// </summary>
    private void LogRoundChange(ulong height, int abandoned)
    {
        static string Votes(IReadOnlyList<Vote> votes) => votes.Count == 0
            ? "none"
            : string.Join(", ", votes.Select(v => $"{v.Validator.ToString()[..10]}{(v.IsNil ? " nil" : "")}"));
        var proposal = _engine.ProposalAt(abandoned);
        _log.Information(
            "Height {Height} moved to round {Round}; round {Abandoned} had proposal {Proposal} from {Proposer}, prevotes [{Prevotes}], precommits [{Precommits}]",
            height, _engine.Round, abandoned, proposal is null ? "none" : proposal.Block.Hash.ToString()[..10], _engine.ProposerFor(abandoned).ToString()[..10],
            Votes(_engine.VotesAt(abandoned, VoteType.Prevote)), Votes(_engine.VotesAt(abandoned, VoteType.Precommit)));
    }

    private void Apply(IReadOnlyList<ConsensusEffect> effects, Queue<ConsensusInput> pending)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case BroadcastProposal p:
                    Publish(new ProposalMessage(p.Proposal));
                    break;
                case BroadcastVote v:
                    Publish(new VoteMessage(v.Vote));
                    break;
                case ScheduleTimeout t:
                    EnqueueAfter(t.Duration, new EngineInput(new TimeoutFired(t.Height, t.Round, t.Step)));
                    break;
                case RequestBlock r:
                    if (BuildProposal(r) is { } block) pending.Enqueue(new BlockToPropose(r.Height, r.Round, block));
                    break;
                case ValidateBlock v:
                    pending.Enqueue(new ProposalValidated(v.Height, v.Block.Hash, Validate(v.Height, v.Block)));
                    break;
                case CommitBlock c:
                    Commit(c);
                    break;
                case EvidenceDetected e:
                    _log.Warning("Validator {Validator} signed conflicting votes at height {Height}", e.Evidence.First.Validator, e.Evidence.First.Height);
                    _evidence.ReportDetected(e.Evidence);
                    break;
                case SigningRefused s:
                    _log.Warning("Signing refused by the double-sign guard: {Reason}", s.Reason);
                    break;
            }
        }
    }

    private ProposedBlock? BuildProposal(RequestBlock request)
    {
        var head = _chain.Head;
        if (request.Height != head.Number + 1) return null;
        var lastCommit = _chain.Store.GetCommit(head.Number) ?? Core.Chain.Commit.Empty;
        var gasCap = _budget.GasCap;
        var candidates = _budget.SelectTransactions(_pool, _chain.HeadAccounts);
        var now = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();
        var started = _time.GetTimestamp();
        var executed = _chain.BuildBlock(now, _address, lastCommit, candidates, _evidence.ForProposal(request.Height));
        var elapsed = _time.GetElapsedTime(started);
        _executed[executed.Block.Hash] = executed;
        _log.Information("Proposing block {Number} round {Round}: {Count} transactions, {Bytes} bytes, {Gas} gas (cap {Cap}), built in {Ms} ms",
            executed.Block.Number, request.Round, executed.Block.Transactions.Count, executed.Encoded.Length, executed.Block.Header.GasUsed, gasCap,
            (long)elapsed.TotalMilliseconds);
        return new ProposedBlock(executed.Block.Hash, executed.Encoded);
    }

    /// <summary>Deterministic validity: the payload decodes to the announced block on top of our head and re-executes to its header.</summary>
    private bool Validate(ulong height, ProposedBlock proposed)
    {
        if (_executed.ContainsKey(proposed.Hash)) return true;
        try
        {
            var block = Block.Decode(proposed.Payload, _pool.Get);
            if (block.Hash != proposed.Hash || block.Number != height || height != _chain.Head.Number + 1)
            {
                _log.Warning("Proposed block {Hash} at height {Height} does not match its payload or our head {Head}", proposed.Hash, height, _chain.Head.Number);
                return false;
            }
            var started = _time.GetTimestamp();
            _executed[block.Hash] = _chain.ExecuteBlock(block);
            var elapsed = _time.GetElapsedTime(started);
            _budget.Observe(block.Header.GasUsed, proposed.Payload.Length, elapsed);
            _log.Debug("Validated block {Number} ({Count} transactions, {Bytes} bytes) in {Ms} ms", block.Number, block.Transactions.Count, proposed.Payload.Length,
                (long)elapsed.TotalMilliseconds);
            return true;
        }
        catch (Exception e) when (e is RlpException or InvalidBlockException)
        {
            _log.Warning("Proposed block {Hash} at height {Height} is invalid: {Reason}", proposed.Hash, height, e.Message);
            return false;
        }
    }

    private void Commit(CommitBlock decision)
    {
        Block? committed = null;
        if (decision.Height == _chain.Head.Number + 1)
        {
            if (!_executed.TryGetValue(decision.Block.Hash, out var executed))
                executed = _chain.ExecuteBlock(Block.Decode(decision.Block.Payload, _pool.Get));
            _chain.CommitBlock(executed, decision.Commit);
            committed = executed.Block;
            var pruned = _pool.Prune(_chain.HeadAccounts, _chain.NextBaseFee, _chain.Parameters);
            _log.Information("Committed block {Number} {Hash} (round {Round}, {Count} transactions, {Signatures} precommits); pool pruned {Pruned}",
                decision.Height, decision.Block.Hash, decision.Round, executed.Block.Transactions.Count, decision.Commit.Signatures.Count, pruned);
        }
        _executed.Clear();
        // The block interval counts from the start of the height, so slow rounds do not add to it; a waiting
        // backlog starts the next height at once (BlockPacing).
        var interval = TimeSpan.FromMilliseconds(_chain.Parameters.BlockIntervalMs);
        var wait = committed is not null
            ? BlockPacing.DelayBeforeNextHeight(committed, _pool, interval, _time.GetElapsedTime(_heightStarted), _budget.GasCap)
            : interval - _time.GetElapsedTime(_heightStarted);
        EnqueueAfter(wait, new StartNextHeight(decision.Height + 1));
    }

    /// <summary>
    /// The proposer queue of <paramref name="height"/>, replayed from the first height over the stored
    /// validator sets (CometBFT priorities are chain state; every node, including one that block synced,
    /// derives the same proposers). Later heights advance it incrementally.
    /// </summary>
    private ProposerPriorityQueue ProposersFor(ulong height)
    {
        if (_proposers is not null && _engine.Height + 1 == height && _engine.Height >= 1)
            return _proposers.NextHeight(_chain.Validators);
        var queue = ProposerPriorityQueue.Create(ValidatorsOfHeight(1));
        for (var h = 2UL; h <= height; h++) queue = queue.NextHeight(ValidatorsOfHeight(h));
        return queue;
    }

    private ValidatorSet ValidatorsOfHeight(ulong height)
    {
        var parent = _chain.Store.GetHeader(height - 1)
                     ?? throw new InvalidOperationException($"block {height - 1} is missing from the store");
        return _chain.Store.GetValidatorSet(parent.NextValidatorSetHash)
               ?? throw new InvalidOperationException($"validator set {parent.NextValidatorSetHash} of height {height} is missing from the store");
    }

    private void Publish(ConsensusMessage message) =>
        _ = _p2p.PublishSafelyAsync(_consensusTopic, message.Encode(), message.GetType().Name);

    /// <summary>
    /// Timeouts and the next height's start. On the system clock the consensus thread keeps them itself
    /// (<see cref="DedicatedWorkLoop{T}.PostAfter"/>: a .NET timer fires on the thread pool, which a transaction burst
    /// keeps busy); another <see cref="TimeProvider"/> (tests) gets its own timers.
    /// </summary>
    private void EnqueueAfter(TimeSpan delay, DriverWork work)
    {
        if (delay <= TimeSpan.Zero || ReferenceEquals(_time, TimeProvider.System))
        {
            _inbox.PostAfter(delay, work);
            return;
        }
        _ = PostAfterProviderDelayAsync(delay, work);
    }

    private async Task PostAfterProviderDelayAsync(TimeSpan delay, DriverWork work)
    {
        try
        {
            await Task.Delay(delay, _time);
            _inbox.Post(work);
        }
        catch (Exception e)
        {
            _log.Debug("Timer failed: {Reason}", e.Message);
        }
    }

    private abstract record DriverWork;

    private sealed record EngineInput(ConsensusInput Input) : DriverWork;

    private sealed record GossipReceived(ConsensusMessage Message, PeerId From) : DriverWork;

    private sealed record StartNextHeight(ulong Height) : DriverWork;

    private sealed record AnnounceTick : DriverWork;
}
