namespace OpenLedger.Execution.Modules.Models;

public enum InferenceStatus : byte
{
    /// <summary>maxFee escrowed, waiting for the model operator to settle.</summary>
    Pending = 0,
    /// <summary>Settled; the fee is locked for the challenge window.</summary>
    Settled = 1,
    /// <summary>Not settled by its deadline: the escrow went back to the requester.</summary>
    Expired = 2,
    /// <summary>A challenge against it was upheld: the fee went back to the requester.</summary>
    Refunded = 3,
    /// <summary>The challenge window passed: the fee was distributed and is claimable.</summary>
    Final = 4,
}
