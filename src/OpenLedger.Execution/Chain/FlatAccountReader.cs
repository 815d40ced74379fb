using OpenLedger.Core.Types;
using OpenLedger.Execution.StateTrie;
using OpenLedger.Execution.TxPool;
using OpenLedger.Storage;

namespace OpenLedger.Execution.Chain;

/// <summary>Head-state account reads from the flat account table that every block commit keeps in step with the trie.</summary>
public sealed class FlatAccountReader(IKeyValueStore db) : IAccountReader
{
    public ulong GetNonce(Address address) => Read(address)?.Nonce ?? 0;

    public UInt128 GetBalance(Address address) => Read(address)?.Balance ?? 0;

    public (ulong Nonce, UInt128 Balance) GetNonceAndBalance(Address address) =>
        Read(address) is { } account ? (account.Nonce, account.Balance) : (0, 0);

    private StateAccount? Read(Address address) =>
        db.Get(DbColumn.FlatState, address.Bytes) is { } encoded ? StateAccount.Decode(encoded) : null;
}
