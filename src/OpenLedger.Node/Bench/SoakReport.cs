namespace OpenLedger.Node.Bench;

/// <summary>What <c>openledger bench --soak</c> prints as JSON.</summary>
public sealed record SoakReport
{
    public double DurationSeconds { get; init; }
    /// <summary>Committed transfers/s of the burst that set the default rate (null when --rate was given).</summary>
    public double? ProbeCommittedTxPerSec { get; init; }
    public double TargetTxPerSec { get; init; }
    public long Submitted { get; init; }
    public long Rejected { get; init; }
    public string? FirstRejection { get; init; }
    public long Committed { get; init; }
    public double CommittedTxPerSec { get; init; }
    public long Blocks { get; init; }
    public double P50LatencyMs { get; init; }
    public double P99LatencyMs { get; init; }
    public double SampleEverySeconds { get; init; }
    public required IReadOnlyList<NodeRss> Nodes { get; init; }

    public sealed record NodeRss
    {
        public required string Name { get; init; }
        public int Pid { get; init; }
        /// <summary>[seconds since the soak started, VmRSS MiB] pairs.</summary>
        public required IReadOnlyList<double[]> Samples { get; init; }
        /// <summary>Least-squares slope over all samples.</summary>
        public double SlopeMiBPerMin { get; init; }
        /// <summary>The same over the second half only (after warm-up: caches, memtables and GC budgets filling).</summary>
        public double SecondHalfSlopeMiBPerMin { get; init; }
        public double FirstMiB { get; init; }
        public double LastMiB { get; init; }
        public double MaxMiB { get; init; }
        public double PeakRssMiB { get; init; }
    }
}
