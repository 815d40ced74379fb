namespace OpenLedger.Rpc.Backend;

/// <summary>
/// An account at some block. <see cref="IsModule"/> marks the reserved system-module addresses, which
/// eth_getCode reports as contracts so that Ethereum tools call them.
/// </summary>
public sealed record AccountState(ulong Nonce, UInt128 Balance, bool IsModule);
