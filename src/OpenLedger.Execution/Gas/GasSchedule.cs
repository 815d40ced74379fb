namespace OpenLedger.Execution.Gas;

/// <summary>
/// What module operations cost on top of a transaction's intrinsic gas (SPEC §3), modelled on Ethereum's
/// storage pricing so wallets' expectations carry over. Documented in docs/gas.md.
/// </summary>
public static class GasSchedule
{
    public const ulong StorageRead = 2_100;
    public const ulong StorageWriteNew = 20_000;
    public const ulong StorageWriteUpdate = 5_000;
    /// <summary>Deleting or re-writing a slot to the value it already had.</summary>
    public const ulong StorageWriteNoop = 100;
    public const ulong LogBase = 375;
    public const ulong LogPerTopic = 375;
    public const ulong LogPerByte = 8;
    /// <summary>Moving OPEN between accounts inside a module call (escrow, payout).</summary>
    public const ulong BalanceTransfer = 9_000;
    /// <summary>A flat charge for dispatching into a module (decoding calldata).</summary>
    public const ulong ModuleCallBase = 700;
}
