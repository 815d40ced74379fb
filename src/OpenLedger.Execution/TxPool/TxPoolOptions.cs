namespace OpenLedger.Execution.TxPool;

public sealed record TxPoolOptions
{
    /// <summary>All transactions held at once; past it the cheapest are evicted for better-paying ones.</summary>
    public int MaxTransactions { get; init; } = 100_000;
    public int MaxPerSender { get; init; } = 4_096;
    /// <summary>How far ahead of the account nonce a transaction may be (SPEC §3 "nonce gap beyond the mempool's window").</summary>
    public ulong NonceWindow { get; init; } = 4_096;
    /// <summary>A replacement (same sender and nonce) must raise both fee cap and tip by at least this percentage.</summary>
    public int PriceBumpPercent { get; init; } = 10;
}
