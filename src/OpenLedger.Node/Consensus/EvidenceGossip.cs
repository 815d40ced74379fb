using OpenLedger.Consensus.Evidence;
using OpenLedger.Consensus.Signing;
using OpenLedger.Core.Chain;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Transactions;
using OpenLedger.Execution;
using OpenLedger.Execution.Chain;
using OpenLedger.Execution.Modules.Common;
using OpenLedger.Execution.Modules.Staking;
using OpenLedger.Execution.State;
using OpenLedger.Network.Gossip;
using OpenLedger.Network.Protocols;
using OpenLedger.Node.Hosting;
using OpenLedger.Node.Network;
using OpenLedger.Storage;
using Serilog;

namespace OpenLedger.Node.Consensus;

/// <summary>
/// Double-sign evidence in the node: the evidence topic's gossip validator (a piece is verified and admitted to
/// the <see cref="EvidencePool"/> before it is forwarded: invalid ones are rejected, known ones ignored), local
/// detections from the engine (admitted, then published), the pending pieces a proposal carries, and pruning
/// when blocks commit them. Pending evidence lives in the node database, so a restart keeps it.
/// Thread-safe: gossip validation runs on network threads, the rest on the consensus loop.
/// </summary>
public sealed class EvidenceGossip : IDisposable
{
    private readonly object _lock = new();
    private readonly Blockchain _chain;
    private readonly P2PService _p2p;
    private readonly ILogger _log;
    private readonly NodeMetrics? _metrics;
    private readonly EvidencePool _pool;

    public EvidenceGossip(Blockchain chain, IKeyValueStore db, P2PService p2p, ILogger log, NodeMetrics? metrics = null)
    {
        _chain = chain;
        _p2p = p2p;
        _log = log;
        _metrics = metrics;
        Topic = OpenLedgerProtocolIds.EvidenceTopic(chain.ChainId);
        _pool = new EvidencePool(chain.ChainId, Secp256k1VoteVerifier.Instance, chain.ValidatorSetAt, chain.EvidenceMaxAgeBlocks,
            new KeyValueEvidenceStore(db), chain.EvidenceCommittedAt);
        if (_pool.PendingCount > 0) _log.Information("Evidence pool: {Count} pending pieces kept from before the restart", _pool.PendingCount);
        _metrics?.EvidencePending.Set(_pool.PendingCount);
        _chain.BlockCommitted += OnBlockCommitted;
    }

    public string Topic { get; }

    public int PendingCount
    {
        get { lock (_lock) return _pool.PendingCount; }
    }

    /// <summary>Subscribes to the evidence topic with admission as the gossip validator.</summary>
    public void Start() => _p2p.Host.Gossip.Subscribe(Topic, Validate);

    private ValidationResult Validate(GossipMessage message)
    {
        DuplicateVoteEvidence evidence;
        try
        {
            evidence = DuplicateVoteEvidence.Decode(message.Data);
        }
        catch (RlpException e)
        {
            _log.Warning("Rejected undecodable evidence from {Peer}: {Reason}", message.ReceivedFrom, e.Message);
            _metrics?.ObserveEvidence(EvidenceOutcome.Invalid);
            return ValidationResult.Reject;
        }
        return Admit(evidence, $"peer {message.ReceivedFrom}").Outcome switch
        {
            EvidenceOutcome.Added => ValidationResult.Accept,
            EvidenceOutcome.Invalid => ValidationResult.Reject,
            _ => ValidationResult.Ignore,
        };
    }

    /// <summary>The engine saw two conflicting votes: keep the evidence and tell the network.</summary>
    public void ReportDetected(DuplicateVoteEvidence evidence)
    {
        if (Admit(evidence, "this node").Outcome == EvidenceOutcome.Added)
            _ = _p2p.PublishSafelyAsync(Topic, EvidenceVerifier.Canonical(evidence).Encode(), "duplicate vote evidence");
    }

    /// <summary>Verifies and admits a piece (evidence against a validator already tombstoned is ignored: there is nothing left to punish).</summary>
    public EvidenceAdmission Admit(DuplicateVoteEvidence evidence, string source)
    {
        EvidenceAdmission admission;
        var tombstoned = false;
        lock (_lock)
        {
            admission = _pool.Add(evidence, _chain.Head.Number + 1);
            if (admission.Outcome == EvidenceOutcome.Added && IsTombstoned(evidence.First.Validator))
            {
                _pool.Drop(evidence);
                tombstoned = true;
                admission = new EvidenceAdmission(EvidenceOutcome.AlreadyCommitted, $"{evidence.First.Validator} is already tombstoned");
            }
            _metrics?.EvidencePending.Set(_pool.PendingCount);
        }
        _metrics?.ObserveEvidence(admission.Outcome, tombstoned);
        if (admission.Outcome == EvidenceOutcome.Added)
            _log.Warning("Double-sign evidence against {Validator} at height {Height} round {Round} ({Type}) from {Source} is pending for the next block",
                evidence.First.Validator, evidence.First.Height, evidence.First.Round, evidence.First.Type, source);
        else if (admission.Outcome == EvidenceOutcome.Invalid)
            _log.Warning("Rejected evidence from {Source}: {Reason}", source, admission.Reason);
        else
            _log.Debug("Ignored evidence from {Source}: {Reason}", source, admission.Reason);
        return admission;
    }

    /// <summary>Pending evidence a proposal for <paramref name="height"/> carries (the chain re-checks each piece when building).</summary>
    public IReadOnlyList<DuplicateVoteEvidence> ForProposal(ulong height)
    {
        lock (_lock)
        {
            var result = new List<DuplicateVoteEvidence>();
            foreach (var evidence in _pool.ForBlock(height, int.MaxValue))
            {
                if (result.Count == Blockchain.MaxEvidencePerBlock) break;
                if (IsTombstoned(evidence.First.Validator)) _pool.Drop(evidence);
                else result.Add(evidence);
            }
            _metrics?.EvidencePending.Set(_pool.PendingCount);
            return result;
        }
    }

    private void OnBlockCommitted(Block block, IReadOnlyList<TransactionReceipt> receipts)
    {
        lock (_lock)
        {
            foreach (var evidence in block.Evidence)
            {
                _pool.MarkCommitted(evidence, block.Number);
                _metrics?.EvidenceCommitted.Inc();
                _log.Warning("Block {Number} includes double-sign evidence against {Validator} (height {Height})", block.Number, evidence.First.Validator, evidence.First.Height);
            }
            _pool.Prune(block.Number + 1);
            _metrics?.EvidencePending.Set(_pool.PendingCount);
        }
    }

    private bool IsTombstoned(Core.Types.Address consensusAddress)
    {
        var store = new ModuleStore(new WorldState(_chain.StateAt()), SystemAddresses.Staking, null, true);
        return StakingModule.GetValidators(store).Any(v => v.ConsensusAddress == consensusAddress && v.Tombstoned);
    }

    public void Dispose() => _chain.BlockCommitted -= OnBlockCommitted;
}
