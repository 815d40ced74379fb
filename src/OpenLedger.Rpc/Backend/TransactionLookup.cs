namespace OpenLedger.Rpc.Backend;

/// <summary>
/// A transaction found by hash. <see cref="Location"/> is null while it is pending in the mempool.
/// <see cref="BlockBaseFee"/> is the base fee of its block (to show the effective gas price of type-2
/// transactions), null while pending.
/// </summary>
public sealed record TransactionLookup(ChainTransaction Transaction, TransactionLocation? Location, UInt128? BlockBaseFee);
