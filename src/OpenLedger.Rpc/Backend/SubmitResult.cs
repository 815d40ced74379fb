using OpenLedger.Core.Types;

namespace OpenLedger.Rpc.Backend;

/// <summary>
/// The mempool's answer to a submitted transaction. Accepted: <see cref="Rejection"/> is null. Rejected:
/// <see cref="Rejection"/> says why and <see cref="Detail"/> gives the specifics a person needs to fix it
/// (e.g. "account 0x… has nonce 5, transaction has 3"). <see cref="Hash"/> is set whenever the bytes decoded.
/// </summary>
public sealed record SubmitResult(Hash256? Hash, TxRejectionReason? Rejection, string Detail)
{
    public bool Accepted => Rejection is null;

    public static SubmitResult Accept(Hash256 hash) => new(hash, null, "");

    public static SubmitResult Reject(TxRejectionReason reason, string detail, Hash256? hash = null) => new(hash, reason, detail);
}
