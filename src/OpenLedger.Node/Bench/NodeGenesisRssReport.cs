namespace OpenLedger.Node.Bench;

/// <summary>What <c>openledger bench --node-rss</c> prints: a real node process started from a large genesis.</summary>
public sealed record NodeGenesisRssReport
{
    public int Accounts { get; init; }
    public double GenesisFileMiB { get; init; }
    /// <summary>The first start: the node creates its database from the genesis file and produces block 1.</summary>
    public required Start FirstStart { get; init; }
    /// <summary>A restart on the same home: the database exists, the node checks the genesis and produces the next block.</summary>
    public required Start Restart { get; init; }

    public sealed record Start
    {
        /// <summary>From process start to the node's JSON-RPC reporting the awaited height.</summary>
        public double SecondsToBlock { get; init; }
        public ulong Height { get; init; }
        /// <summary>VmHWM of the node process (/proc/PID/status) when it reached the height.</summary>
        public double PeakRssMiB { get; init; }
        public double RssMiB { get; init; }
    }
}
