using OpenLedger.Core.Types;
using OpenLedger.State.Trie;

namespace OpenLedger.State.Tests.Support;

/// <summary>A plain or secure trie behind one interface, for vector files that come in both flavours.</summary>
public sealed class TestTrie(bool secure, ITrieNodeStore? store = null, Hash256? root = null)
{
    private readonly PatriciaTrie? _plain = secure ? null : new PatriciaTrie(store ?? new MemoryTrieNodeStore(), root ?? Hash256.EmptyTrieRoot);
    private readonly SecureTrie? _secure = secure ? new SecureTrie(store ?? new MemoryTrieNodeStore(), root ?? Hash256.EmptyTrieRoot) : null;

    public Hash256 RootHash => _plain?.RootHash ?? _secure!.RootHash;

    public byte[]? Get(byte[] key) => _plain is not null ? _plain.Get(key) : _secure!.Get(key);

    public void Set(byte[] key, byte[] value)
    {
        if (_plain is not null) _plain.Set(key, value);
        else _secure!.Set(key, value);
    }

    public void Delete(byte[] key)
    {
        if (_plain is not null) _plain.Delete(key);
        else _secure!.Delete(key);
    }

    public Hash256 Commit(ITrieNodeSink sink) => _plain?.Commit(sink) ?? _secure!.Commit(sink);
}
