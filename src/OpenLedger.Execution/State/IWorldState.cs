using OpenLedger.Core.Types;

namespace OpenLedger.Execution.State;

/// <summary>
/// The state a transaction or module reads and writes: accounts (nonce, balance) and per-account storage.
/// Storage values are byte strings (modules store RLP records, not only 32-byte words); an empty value means
/// "unset". Changes are journaled: <see cref="TakeSnapshot"/> / <see cref="RevertToSnapshot"/> undo a failed
/// call exactly.
/// </summary>
public interface IWorldState
{
    bool AccountExists(Address address);

    ulong GetNonce(Address address);

    void SetNonce(Address address, ulong nonce);

    UInt128 GetBalance(Address address);

    void SetBalance(Address address, UInt128 balance);

    /// <summary>Adds to a balance; throws <see cref="OverflowException"/> rather than wrapping.</summary>
    void AddBalance(Address address, UInt128 amount);

    /// <summary>Subtracts from a balance; throws <see cref="InsufficientBalanceException"/> if it would go negative.</summary>
    void SubtractBalance(Address address, UInt128 amount);

    void Transfer(Address from, Address to, UInt128 amount);

    /// <summary>Moves OPEN to the burn account (SPEC: base fees and slashes are burned).</summary>
    void Burn(Address from, UInt128 amount);

    /// <summary>The stored value, or an empty array when unset.</summary>
    byte[] GetStorage(Address address, Hash256 key);

    /// <summary>Stores a value; an empty value deletes the entry.</summary>
    void SetStorage(Address address, Hash256 key, ReadOnlySpan<byte> value);

    int TakeSnapshot();

    void RevertToSnapshot(int snapshot);
}
