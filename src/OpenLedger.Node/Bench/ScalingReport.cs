namespace OpenLedger.Node.Bench;

/// <summary>What <c>openledger bench --scaling</c> prints as JSON.</summary>
public sealed record ScalingReport
{
    public required IReadOnlyList<BlockExecution> Execution { get; init; }
    /// <summary>Median build time at the largest account count ÷ at the smallest (target ≤ 2).</summary>
    public double? BuildRatioLargestToSmallest { get; init; }
    public Sync? Replay { get; init; }
    /// <summary>VmHWM when the report is made; each phase resets it first, so see the per-phase peaks for the genesis.</summary>
    public double PeakRssMiB { get; init; }

    public sealed record BlockExecution
    {
        public int Accounts { get; init; }
        public int TransfersPerBlock { get; init; }
        public int Blocks { get; init; }
        public double ChainSetupSeconds { get; init; }
        /// <summary>BuildBlock: execute the transfers (senders already recovered, as after admission), state root, block roots.</summary>
        public double MedianBuildMs { get; init; }
        /// <summary>Process CPU time (all threads) during BuildBlock, median: the work, apart from waiting for a core on a busy machine.</summary>
        public double MedianBuildCpuMs { get; init; }
        /// <summary>
        /// CPU time of the thread that called BuildBlock, median (Linux; null elsewhere): the part of the work no other
        /// core took over. On a busy machine, where wall time mostly measures waiting for a core, this and
        /// <see cref="MedianBuildCpuMs"/> tell what a quiet machine's wall time would be bounded by.
        /// </summary>
        public double? MedianBuildThreadCpuMs { get; init; }
        /// <summary>CommitBlock: one synced RocksDB write batch (trie nodes, flat state, block, receipts, commit).</summary>
        public double MedianCommitMs { get; init; }
        /// <summary>Blocks built and committed before the measured ones (not in the medians).</summary>
        public int WarmUpBlocks { get; init; }
        public double MinBuildMs { get; init; }
        public double MaxBuildMs { get; init; }
        /// <summary>Trie nodes BuildBlock read from the database, median per block (what grows with the account count).</summary>
        public double MedianTrieNodeReads { get; init; }
        /// <summary>Flat account rows BuildBlock read from the database, median per block.</summary>
        public double MedianFlatRowReads { get; init; }
        /// <summary>Loading the state cache's upper trie levels before the blocks, as the node does after a start (null: not done).</summary>
        public double? StateCacheWarmSeconds { get; init; }
        /// <summary>Waiting for RocksDB's flushes and compactions after the genesis write before the blocks (null: not waited).</summary>
        public double? CompactionWaitSeconds { get; init; }
        /// <summary>Decoded trie nodes in the state cache after the blocks.</summary>
        public int StateCacheNodesAfterBlocks { get; init; }
        /// <summary>The bench process before creating the chain (it holds the genesis document, as a node does).</summary>
        public double RssBeforeGenesisMiB { get; init; }
        /// <summary>Peak RSS (VmHWM, reset before) while creating the chain from genesis: what a new node peaks at. Null where the peak cannot be reset.</summary>
        public double? GenesisPeakRssMiB { get; init; }
        /// <summary>Right after creating the chain from genesis.</summary>
        public double RssAfterGenesisMiB { get; init; }
        /// <summary>Opening the existing database again (a node restart), in seconds.</summary>
        public double ReopenSeconds { get; init; }
        /// <summary>Peak RSS while reopening (VmHWM, reset before).</summary>
        public double? ReopenPeakRssMiB { get; init; }
        /// <summary>After a full compacting GC: what the opened chain itself keeps.</summary>
        public double RssSettledMiB { get; init; }
        public double RssAfterBlocksMiB { get; init; }
        /// <summary>What the database's shared block cache held after the measured blocks (part of the RSS).</summary>
        public double BlockCacheAfterBlocksMiB { get; init; }
    }

    public sealed record Sync
    {
        public int Blocks { get; init; }
        public int TransfersPerBlock { get; init; }
        public double BuildBlocksPerSec { get; init; }
        public double ReplayBlocksPerSec { get; init; }
        public double ReplayTxPerSec { get; init; }
        /// <summary>Replay speed ÷ the speed the same blocks were built back to back (target ≥ 3 vs production).</summary>
        public double ReplayVsBuild { get; init; }
        /// <summary>Replay speed ÷ 2 blocks/s, the devnet's production rate at its 500 ms interval.</summary>
        public double ReplayVsDevnetInterval { get; init; }
        public required IReadOnlyList<double> RssSamplesMiB { get; init; }
    }
}
