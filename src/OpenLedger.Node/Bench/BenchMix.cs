namespace OpenLedger.Node.Bench;

/// <summary>What `openledger bench` sends: plain OPEN transfers, or a mix of system-module calls.</summary>
public enum BenchMix
{
    Transfers,
    /// <summary>Datanets contribute, Models settleInference with 16 influence entries, Staking delegate, in equal parts.</summary>
    Modules,
}
