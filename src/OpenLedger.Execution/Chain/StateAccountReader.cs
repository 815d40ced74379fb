using OpenLedger.Core.Types;
using OpenLedger.Execution.StateTrie;
using OpenLedger.Execution.TxPool;

namespace OpenLedger.Execution.Chain;

/// <summary>Account reads against one committed state root.</summary>
public sealed class StateAccountReader(TrieStateBackend state) : IAccountReader
{
    public ulong GetNonce(Address address) => state.GetAccount(address)?.Nonce ?? 0;

    public UInt128 GetBalance(Address address) => state.GetAccount(address)?.Balance ?? 0;

    public (ulong Nonce, UInt128 Balance) GetNonceAndBalance(Address address) =>
        state.GetAccount(address) is { } account ? (account.Nonce, account.Balance) : (0, 0);
}
