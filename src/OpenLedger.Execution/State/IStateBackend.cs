using OpenLedger.Core.Types;

namespace OpenLedger.Execution.State;

/// <summary>Where committed state lives: the Merkle Patricia Trie in the node, a dictionary in unit tests.</summary>
public interface IStateBackend
{
    AccountRecord? GetAccount(Address address);

    byte[] GetStorage(Address address, Hash256 key);

    /// <summary>Applies a block's changes and returns the new state root.</summary>
    Hash256 Apply(IReadOnlyDictionary<Address, AccountRecord?> accounts, IReadOnlyDictionary<(Address, Hash256), byte[]> storage);

    Hash256 Root { get; }

    /// <summary>
    /// A hint: the block is about to read (and probably change) these accounts, in this order. A backend may start
    /// loading them in the background; what every other member returns must not depend on it.
    /// </summary>
    void PrefetchAccounts(IReadOnlyList<Address> addresses)
    {
    }
}

/// <summary>An account's committed fields. Accounts never hold code (there is no EVM).</summary>
public readonly record struct AccountRecord(ulong Nonce, UInt128 Balance);
