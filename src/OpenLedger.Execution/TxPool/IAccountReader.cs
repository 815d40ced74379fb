using OpenLedger.Core.Types;

namespace OpenLedger.Execution.TxPool;

/// <summary>The head state as the pool sees it: enough to decide whether a transaction can ever execute.</summary>
public interface IAccountReader
{
    ulong GetNonce(Address address);

    UInt128 GetBalance(Address address);

    /// <summary>Both at once: admission needs both for every transaction, and a store can answer them with one read.</summary>
    (ulong Nonce, UInt128 Balance) GetNonceAndBalance(Address address) => (GetNonce(address), GetBalance(address));
}
