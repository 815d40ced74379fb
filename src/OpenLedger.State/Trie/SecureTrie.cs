using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.State.Trie;

/// <summary>
/// A <see cref="PatriciaTrie"/> whose paths are keccak256(key), as Ethereum's account and storage tries are:
/// paths have a fixed length and cannot be chosen to unbalance the trie. Proofs are for the hashed key, so
/// verify them with <see cref="TrieProof.TryVerify"/> on keccak256(key).
/// </summary>
public sealed class SecureTrie
{
    private readonly PatriciaTrie _trie;

    /// <param name="cache">Decoded committed nodes shared between tries; null for none.</param>
    public SecureTrie(ITrieNodeStore store, Hash256 root, TrieNodeCache? cache = null)
    {
        _trie = new PatriciaTrie(store, root, cache);
    }

    public SecureTrie(ITrieNodeStore store) : this(store, Hash256.EmptyTrieRoot)
    {
    }

    public Hash256 RootHash => _trie.RootHash;

    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        Span<byte> path = stackalloc byte[Hash256.Length];
        Keccak256.Hash(key, path);
        return _trie.Get(path);
    }

    /// <summary>Stores <paramref name="value"/> under keccak256(<paramref name="key"/>); an empty value deletes.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Span<byte> path = stackalloc byte[Hash256.Length];
        Keccak256.Hash(key, path);
        _trie.Set(path, value);
    }

    /// <summary>
    /// Stores <paramref name="value"/> under keccak256(<paramref name="key"/>), given the value the caller believes
    /// the key holds now (see <see cref="PatriciaTrie.Set(ReadOnlySpan{byte}, ReadOnlySpan{byte}, byte[])"/>).
    /// </summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, byte[]? currentValue)
    {
        Span<byte> path = stackalloc byte[Hash256.Length];
        Keccak256.Hash(key, path);
        _trie.Set(path, value, currentValue);
    }

    /// <summary>How many leaves were rebuilt from a known current value instead of read from the store.</summary>
    public int RebuiltLeaves => _trie.RebuiltLeaves;

    public void Delete(ReadOnlySpan<byte> key)
    {
        Span<byte> path = stackalloc byte[Hash256.Length];
        Keccak256.Hash(key, path);
        _trie.Delete(path);
    }

    public Hash256 Commit(ITrieNodeSink sink) => _trie.Commit(sink);

    /// <summary>The proof for keccak256(<paramref name="key"/>); see <see cref="PatriciaTrie.GetProof"/>.</summary>
    public IReadOnlyList<byte[]> GetProof(ReadOnlySpan<byte> key)
    {
        Span<byte> path = stackalloc byte[Hash256.Length];
        Keccak256.Hash(key, path);
        return _trie.GetProof(path);
    }
}
