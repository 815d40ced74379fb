namespace OpenLedger.Node.Bench;

/// <summary>What `openledger bench` prints at the end, as one JSON object.</summary>
public sealed record BenchReport
{
    /// <summary>"transfers" or "modules".</summary>
    public required string Mix { get; init; }
    /// <summary>"grpc" or "jsonrpc".</summary>
    public required string Via { get; init; }
    public required int Transactions { get; init; }
    /// <summary>How many transactions of each kind (transfer; contribute, settleInference, delegate).</summary>
    public required IReadOnlyDictionary<string, int> Calls { get; init; }
    public required int Senders { get; init; }
    /// <summary>Transactions committed before the measured run (not counted anywhere else in the report).</summary>
    public required int WarmupTransactions { get; init; }
    /// <summary>The paced submission rate (--rate), or null for a burst (everything sent at once).</summary>
    public double? RateTxPerSec { get; init; }
    public required double SubmitTxPerSec { get; init; }
    /// <summary>Committed transactions (successful or not) per second, from the first submission to the last commit.</summary>
    public required double CommittedTxPerSec { get; init; }
    /// <summary>
    /// Send (paced: due) → the SubscribeBlocks event of the block holding the transaction. In a burst this is mostly
    /// time waiting in the mempool; at a sustainable --rate it is finality.
    /// </summary>
    public required double P50LatencyMs { get; init; }
    public required double P99LatencyMs { get; init; }
    /// <summary>Blocks that held at least one of the run's transactions.</summary>
    public required int Blocks { get; init; }
    public required double TxPerBlock { get; init; }
    public double? NodePeakRssMiB { get; init; }
    /// <summary>
    /// The one-core recovery yardstick: the mean of <see cref="RecoverPerSecBefore"/> and <see cref="RecoverPerSecAfter"/>,
    /// two 2-second samples taken just before the load and just after it, so a host that speeds up or slows down during
    /// the run moves the yardstick with the node.
    /// </summary>
    public required double RecoverPerSecOneCore { get; init; }
    public required double RecoverPerSecBefore { get; init; }
    public required double RecoverPerSecAfter { get; init; }
    /// <summary>committedTxPerSec / recoverPerSecOneCore: the fraction of one core's signature-recovery limit reached.</summary>
    public required double Ratio { get; init; }
    public required int Committed { get; init; }
    /// <summary>Transactions the node refused at submission.</summary>
    public required int Rejected { get; init; }
    /// <summary>Committed transactions whose receipt has status 0 (reverted or out of gas). The bench exits non-zero if any.</summary>
    public required int Failed { get; init; }
    /// <summary>Up to five refusals or failures with the node's reason, to act on.</summary>
    public required IReadOnlyList<string> Errors { get; init; }
    public required double ElapsedSeconds { get; init; }
    /// <summary>
    /// Where the machine's CPU went during the measured window (first submission to last commit), per local process:
    /// the profile behind <see cref="Ratio"/>. Empty where /proc cannot be read.
    /// </summary>
    public required IReadOnlyList<ProcessCpuReport> Cpu { get; init; }
    /// <summary>CPU time of all of <see cref="Cpu"/> per committed transaction, in microseconds.</summary>
    public double? CpuMicrosPerTx { get; init; }
    /// <summary>All of <see cref="Cpu"/> over the window's wall time: how many cores were busy on average.</summary>
    public double? CoresBusy { get; init; }
}

/// <summary>One process's share of a bench run's measured window.</summary>
public sealed record ProcessCpuReport
{
    /// <summary>"bench", or the devnet node's name ("node0", ...).</summary>
    public required string Process { get; init; }
    public required double CpuSeconds { get; init; }
    public required double CpuMicrosPerTx { get; init; }
    /// <summary>Voluntary (blocked: waiting for a lock, I/O, a timer) context switches per committed transaction.</summary>
    public required double VoluntarySwitchesPerTx { get; init; }
    /// <summary>Involuntary (preempted: more runnable threads than cores) context switches per committed transaction.</summary>
    public required double InvoluntarySwitchesPerTx { get; init; }
}
