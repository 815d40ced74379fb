namespace OpenLedger.Node.Bench;

/// <summary>What <c>openledger bench --sync-network</c> prints: block production on a devnet, then a fresh full node syncing it over p2p.</summary>
public sealed record NetworkSyncReport
{
    public ulong Blocks { get; init; }
    public ulong BlockIntervalMs { get; init; }
    public double LoadTxPerSec { get; init; }
    /// <summary>Transfers committed while producing (so blocks carry transactions, not only headers).</summary>
    public long TransfersInBlocks { get; init; }
    public double ProductionSeconds { get; init; }
    public double ProductionBlocksPerSec { get; init; }
    /// <summary>The height the producer had when the full node started: the sync target.</summary>
    public ulong SyncTarget { get; init; }
    /// <summary>From starting the full node's process to its head reaching the target (includes process start and peer connection).</summary>
    public double SyncSeconds { get; init; }
    /// <summary>From the full node's first synced block to the target: the block sync itself.</summary>
    public double SyncTransferSeconds { get; init; }
    public double SyncBlocksPerSec { get; init; }
    /// <summary>Sync speed ÷ production speed (target ≥ 3).</summary>
    public double SyncVsProduction { get; init; }
    /// <summary>Sync speed ÷ 2 blocks/s, the production rate at the devnet's default 500 ms interval.</summary>
    public double SyncVsDefaultInterval { get; init; }
    public double FullNodePeakRssMiB { get; init; }
    public double ProducerPeakRssMiB { get; init; }
}
