using Prometheus;

namespace OpenLedger.Node.Hosting;

/// <summary>The node's Prometheus metrics (names are stable; docs/operations.md explains each).</summary>
public sealed class NodeMetrics
{
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
}
