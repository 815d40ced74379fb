using OpenLedger.Storage;

namespace OpenLedger.Consensus.Signing;

/// <summary>
/// The signing state in the node database (column <see cref="DbColumn.Consensus"/>, key "last_sign"),
/// written with <c>sync: true</c> so the write is fsynced before a signature leaves the node.
/// </summary>
public sealed class KeyValueSigningStateStore(IKeyValueStore store) : ISigningStateStore
{
    private static readonly byte[] Key = "last_sign"u8.ToArray();

    public LastSignState? Load()
    {
        var bytes = store.Get(DbColumn.Consensus, Key);
        return bytes is null ? null : LastSignState.Decode(bytes);
    }

    public void Save(LastSignState state) => store.Put(DbColumn.Consensus, Key, state.Encode(), sync: true);
}
