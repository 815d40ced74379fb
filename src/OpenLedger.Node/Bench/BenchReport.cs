namespace OpenLedger.Node.Bench;

/// <summary>What `openledger bench` prints at the end, as one JSON object.</summary>
public sealed record BenchReport
{
    public required int Transactions { get; init; }
    public required int Senders { get; init; }
    public required string Via { get; init; }
    public required double SubmitTxPerSec { get; init; }
    public required double CommittedTxPerSec { get; init; }
    public required double P50LatencyMs { get; init; }
    public required double P99LatencyMs { get; init; }
    public required int Blocks { get; init; }
    public required double TxPerBlock { get; init; }
    public double? NodePeakRssMiB { get; init; }
    public required double RecoverPerSecOneCore { get; init; }
    /// <summary>committedTxPerSec / recoverPerSecOneCore: the fraction of one core's signature-recovery limit reached.</summary>
    public required double Ratio { get; init; }
    public required int Rejected { get; init; }
    public required double ElapsedSeconds { get; init; }
}
