namespace OpenLedger.Node.Bench;

/// <summary>One `openledger bench` run against a node.</summary>
public sealed record BenchOptions
{
    public required int Transactions { get; init; }
    public required int Senders { get; init; }
    public BenchMix Mix { get; init; } = BenchMix.Transfers;
    public BenchVia Via { get; init; } = BenchVia.Grpc;
    /// <summary>
    /// Null: send every transaction at once (a burst: throughput, and latency that is mostly queueing). Set: send
    /// them at this steady rate, open loop (latency at that load: finality when the rate is sustainable).
    /// </summary>
    public double? RateTxPerSec { get; init; }
    /// <summary>The node's JSON-RPC URL; needed with <see cref="BenchVia.JsonRpc"/>.</summary>
    public string? JsonRpcUrl { get; init; }
    /// <summary>eth_sendRawTransaction requests per JSON-RPC batch.</summary>
    public int JsonRpcBatchSize { get; init; } = 250;
    /// <summary>The node's process id when it runs on this machine (its peak RSS is read from /proc).</summary>
    public int? NodeProcessId { get; init; }
    /// <summary>
    /// Local processes whose CPU time during the measured window the report breaks down (a devnet's nodes, by name);
    /// the bench itself is always added.
    /// </summary>
    public IReadOnlyList<(string Name, int ProcessId)> LocalProcesses { get; init; } = [];
    /// <summary>
    /// Transactions of the same mix, from their own senders, sent and committed before the measured run and left out of
    /// every figure: a validator that has been running has compiled its hot paths (tier-1 JIT) and filled its caches,
    /// a devnet started a second ago has not. 0 measures the cold node.
    /// </summary>
    public int WarmupTransactions { get; init; }

    /// <summary>The warm-up when none is given: a fifth of the run, at most 10,000 transactions.</summary>
    public static int DefaultWarmup(int transactions) => Math.Min(transactions / 5, 10_000);
}
