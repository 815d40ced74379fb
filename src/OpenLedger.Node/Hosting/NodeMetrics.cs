using OpenLedger.Consensus;
using OpenLedger.Consensus.Evidence;
using OpenLedger.Core.Chain;
using Prometheus;

namespace OpenLedger.Node.Hosting;

/// <summary>The node's Prometheus metrics (names are stable; docs/operations.md explains each).</summary>
public sealed class NodeMetrics
{
    private ulong _lastHeight;
    private int _lastRound;

    public Gauge Height { get; } = Metrics.CreateGauge("openledger_chain_height", "Number of the latest committed block.");
    public Counter Transactions { get; } = Metrics.CreateCounter("openledger_chain_transactions_total", "Transactions committed in blocks.");
    public Counter Blocks { get; } = Metrics.CreateCounter("openledger_chain_blocks_total", "Blocks committed since the node started.");
    public Gauge GasUsed { get; } = Metrics.CreateGauge("openledger_chain_last_block_gas_used", "Gas used by the latest block.");
    public Gauge BaseFee { get; } = Metrics.CreateGauge("openledger_chain_base_fee_wei", "Base fee of the next block, in wei.");
    public Gauge MempoolSize { get; } = Metrics.CreateGauge("openledger_mempool_transactions", "Transactions waiting in the mempool.");
    public Histogram BlockInterval { get; } = Metrics.CreateHistogram("openledger_chain_block_interval_seconds",
        "Time between consecutive block timestamps.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 10) });
    public Histogram BlockCommitDuration { get; } = Metrics.CreateHistogram("openledger_chain_block_commit_seconds",
        "Time to persist a block: its one synced RocksDB write batch.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });
    public Gauge Peers { get; } = Metrics.CreateGauge("openledger_p2p_peers", "Connected peers.");
    public Counter GossipDuplicates { get; } = Metrics.CreateCounter("openledger_p2p_gossip_duplicates_total",
        "Gossip messages that arrived again after their first copy and were dropped (gossipsub v1.2 IDONTWANT keeps large ones from being relayed back).");
    public Counter GossipRelaysSkipped { get; } = Metrics.CreateCounter("openledger_p2p_gossip_relays_skipped_total",
        "Gossip relays not sent because the peer had announced (IDONTWANT) that it already has the message.");
    public Counter SenderRecoveries { get; } = Metrics.CreateCounter("openledger_sender_recoveries_total",
        "Transaction senders recovered from signatures (secp256k1 public-key recovery, the node's largest CPU cost per transaction).");
    public Counter SenderCacheHits { get; } = Metrics.CreateCounter("openledger_sender_cache_hits_total",
        "Transaction senders answered from the sender cache instead of a recovery (a transaction seen in gossip, then in a block).");

    // ---- consensus ----
    public Gauge ConsensusHeight { get; } = Metrics.CreateGauge("openledger_consensus_height", "Height the consensus engine is deciding (latest block + 1 while in consensus).");
    public Gauge ConsensusRound { get; } = Metrics.CreateGauge("openledger_consensus_round", "Round of the current height (0 when the first proposer got through).");
    public Gauge ConsensusStep { get; } = Metrics.CreateGauge("openledger_consensus_step", "Step inside the round: 1 propose, 2 prevote, 3 precommit, 4 commit.");
    public Counter RoundChanges { get; } = Metrics.CreateCounter("openledger_consensus_round_changes_total", "Rounds started beyond round 0 (a proposer or a vote step timed out).");
    public Counter MissedBlocks { get; } = Metrics.CreateCounter("openledger_consensus_missed_blocks_total",
        "Blocks whose commit (the next block's LastCommit) lacks this validator's precommit.", new CounterConfiguration { LabelNames = ["validator"] });
    public Counter EvidenceReceived { get; } = Metrics.CreateCounter("openledger_evidence_received_total",
        "Double-sign evidence received from peers or detected locally, by outcome: added, pending (already known), committed (already in a block), invalid, tombstoned (validator already punished).",
        new CounterConfiguration { LabelNames = ["outcome"] });
    public Counter EvidenceCommitted { get; } = Metrics.CreateCounter("openledger_evidence_committed_total", "Double-sign evidence included in committed blocks.");
    public Gauge EvidencePending { get; } = Metrics.CreateGauge("openledger_evidence_pending", "Verified evidence waiting for a block.");
    public Gauge SyncActive { get; } = Metrics.CreateGauge("openledger_sync_active", "1 while the node downloads blocks from a peer (block sync), else 0.");
    public Gauge SyncTargetHeight { get; } = Metrics.CreateGauge("openledger_sync_target_height", "Height block sync is catching up to (the best peer's height when it started).");
    public Gauge SyncCurrentHeight { get; } = Metrics.CreateGauge("openledger_sync_current_height", "Height block sync has reached (the latest committed block).");

    /// <summary>Records the engine's position; a higher round at the same height counts as round changes.</summary>
    public void ObserveConsensus(ulong height, int round, RoundStep step)
    {
        if (height == _lastHeight && round > _lastRound) RoundChanges.Inc(round - _lastRound);
        else if (height != _lastHeight && round > 0) RoundChanges.Inc(round);
        (_lastHeight, _lastRound) = (height, round);
        ConsensusHeight.Set(height);
        ConsensusRound.Set(round);
        ConsensusStep.Set((int)step);
    }

    /// <summary>
    /// Counts, for every member of the set that signed <paramref name="block"/>'s parent, whether its precommit is
    /// missing from the block's LastCommit (the same signal the staking module's downtime tracking uses).
    /// </summary>
    public void ObserveLastCommit(Block block, ValidatorSet? parentValidators)
    {
        if (parentValidators is null || block.Number < 2) return;
        var signers = block.LastCommit.Signatures.Select(s => s.Validator).ToHashSet();
        foreach (var validator in parentValidators.Validators)
        {
            var counter = MissedBlocks.WithLabels(validator.ConsensusAddress.ToString());
            if (!signers.Contains(validator.ConsensusAddress)) counter.Inc();
            else counter.Inc(0); // publishes the series at 0, so a validator that never missed is listed too
        }
    }

    public void ObserveEvidence(EvidenceOutcome outcome, bool tombstoned = false) =>
        EvidenceReceived.WithLabels(tombstoned ? "tombstoned" : outcome switch
        {
            EvidenceOutcome.Added => "added",
            EvidenceOutcome.AlreadyPending => "pending",
            EvidenceOutcome.AlreadyCommitted => "committed",
            _ => "invalid",
        }).Inc();

    public void ObserveSync(bool active, ulong target, ulong current)
    {
        SyncActive.Set(active ? 1 : 0);
        SyncTargetHeight.Set(target);
        SyncCurrentHeight.Set(current);
    }
}
