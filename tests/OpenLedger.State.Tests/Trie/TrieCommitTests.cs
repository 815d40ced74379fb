using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;
using OpenLedger.State.Tests.Support;
using OpenLedger.State.Trie;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.State.Tests.Trie;

public class TrieCommitTests
{
    private static byte[] KeyOf(int i) => Keccak256.HashToArray(BitConverter.GetBytes(i));

    private static byte[] ValueOf(int i, int version = 0) => [.. Keccak256.HashToArray(BitConverter.GetBytes(i * 31 + version)), (byte)version];

    [Fact]
    public void Commit_WritesOnlyTheNodesThatChanged()
    {
        var store = new MemoryTrieNodeStore();
        var trie = new PatriciaTrie(store);
        for (var i = 0; i < 2000; i++) trie.Set(KeyOf(i), ValueOf(i));
        var first = new CountingNodeSink(store);
        trie.Commit(first);
        Assert.Equal(store.Count, first.Written.Count);
        Assert.Equal(first.Written.Count, first.Written.Distinct().Count());

        var unchanged = new CountingNodeSink(store);
        trie.Set(KeyOf(5), ValueOf(5));
        trie.Commit(unchanged);
        Assert.Empty(unchanged.Written);

        // One changed leaf rewrites that leaf and the branches above it: 2000 random keys make a trie 3-4 levels deep.
        trie.Set(KeyOf(7), ValueOf(7, version: 1));
        var one = new CountingNodeSink(store);
        var root = trie.Commit(one);
        Assert.InRange(one.Written.Count, 2, 5);
        Assert.Contains(root, one.Written);
        Assert.Equal(ValueOf(7, version: 1), new PatriciaTrie(store, root).Get(KeyOf(7)));
    }

    [Fact]
    public void ReadingAReopenedTrie_ChangesNothing_AndCommitsNothing()
    {
        var store = new MemoryTrieNodeStore();
        var trie = new PatriciaTrie(store);
        for (var i = 0; i < 300; i++) trie.Set(KeyOf(i), ValueOf(i));
        var root = trie.Commit(store);

        var reopened = new PatriciaTrie(store, root);
        for (var i = 0; i < 300; i++) Assert.Equal(ValueOf(i), reopened.Get(KeyOf(i)));
        Assert.Null(reopened.Get(KeyOf(300)));
        reopened.Delete(KeyOf(300));
        var sink = new CountingNodeSink(store);
        Assert.Equal(root, reopened.Commit(sink));
        Assert.Empty(sink.Written);
    }

    [Fact]
    public void SmallTrie_StoresItsRootEvenWhenTheRootNodeIsUnder32Bytes()
    {
        var store = new MemoryTrieNodeStore();
        var trie = new PatriciaTrie(store);
        trie.Set([0x01], [0x02]);
        var root = trie.Commit(store);
        Assert.True(store.Get(root)!.Length < 32);
        Assert.Equal([0x02], new PatriciaTrie(store, root).Get([0x01]));
    }

    [Fact]
    public void MissingNode_IsReportedWithItsHash()
    {
        var store = new MemoryTrieNodeStore();
        var trie = new PatriciaTrie(store);
        for (var i = 0; i < 50; i++) trie.Set(KeyOf(i), ValueOf(i));
        var root = trie.RootHash;

        var error = Assert.Throws<TrieException>(() => new PatriciaTrie(store, root).Get(KeyOf(1)));
        Assert.Contains(root.ToString(), error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void CorruptNode_IsReportedAsInvalid()
    {
        var store = new MemoryTrieNodeStore();
        var garbage = new byte[] { 0xc3, 0x01, 0x02, 0x03 };
        var hash = Keccak256.Hash(garbage);
        store.Put(hash, garbage);
        var error = Assert.Throws<TrieException>(() => new PatriciaTrie(store, hash).Get([0x01]));
        Assert.Contains("invalid trie node", error.Message);
        Assert.Contains("3 items", error.Message);
    }

    [Fact]
    public void LongKeys_AndTheEmptyKey_Work()
    {
        var trie = new PatriciaTrie(new MemoryTrieNodeStore());
        var longKey = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        trie.Set(longKey, [1]);
        trie.Set([], [2]);
        trie.Set(longKey[..200], [3]);
        Assert.Equal([1], trie.Get(longKey));
        Assert.Equal([2], trie.Get([]));
        Assert.Equal([3], trie.Get(longKey[..200]));
        Assert.Equal(ReferenceTrieRoot.Compute([new(longKey, [1]), new([], [2]), new(longKey[..200], [3])]), trie.RootHash);
        Assert.True(TrieProof.TryVerify(trie.RootHash, longKey, trie.GetProof(longKey), out var proven, out var error), error);
        Assert.Equal([1], proven);
    }

    [Fact]
    public void SecureTrie_StoresUnderTheKeccakOfTheKey()
    {
        var plain = new PatriciaTrie(new MemoryTrieNodeStore());
        var secure = new SecureTrie(new MemoryTrieNodeStore());
        for (var i = 0; i < 100; i++)
        {
            var key = BitConverter.GetBytes(i);
            plain.Set(Keccak256.HashToArray(key), ValueOf(i));
            secure.Set(key, ValueOf(i));
        }
        Assert.Equal(plain.RootHash, secure.RootHash);
        Assert.Equal(ValueOf(9), secure.Get(BitConverter.GetBytes(9)));
        var proof = secure.GetProof(BitConverter.GetBytes(9));
        Assert.True(TrieProof.TryVerify(secure.RootHash, Keccak256.HashToArray(BitConverter.GetBytes(9)), proof, out var proven, out _));
        Assert.Equal(ValueOf(9), proven);
        secure.Delete(BitConverter.GetBytes(9));
        Assert.Null(secure.Get(BitConverter.GetBytes(9)));
    }

    [Fact]
    public void RocksDbBackedTrie_CommittedInOneBatch_ReopensAfterTheDatabaseIsClosed()
    {
        using var directory = new TemporaryDirectory();
        Hash256 root;
        using (var db = RocksDbStore.Open(directory.Path))
        {
            var trie = new SecureTrie(new KeyValueTrieNodeStore(db));
            for (var i = 0; i < 1500; i++) trie.Set(BitConverter.GetBytes(i), ValueOf(i));
            using var batch = db.CreateBatch();
            root = trie.Commit(KeyValueTrieNodeStore.CreateBatchSink(batch));
            Assert.Null(db.Get(DbColumn.TrieNodes, root.Bytes));
            db.Write(batch, sync: true);
            Assert.NotNull(db.Get(DbColumn.TrieNodes, root.Bytes));
        }
        Hash256 updated;
        using (var db = RocksDbStore.Open(directory.Path))
        {
            var nodes = new KeyValueTrieNodeStore(db);
            var trie = new SecureTrie(nodes, root);
            for (var i = 0; i < 1500; i++) Assert.Equal(ValueOf(i), trie.Get(BitConverter.GetBytes(i)));
            for (var i = 0; i < 100; i++) trie.Set(BitConverter.GetBytes(i), ValueOf(i, version: 2));
            updated = trie.Commit(nodes);
        }
        using (var db = RocksDbStore.Open(directory.Path))
        {
            var nodes = new KeyValueTrieNodeStore(db);
            var before = new SecureTrie(nodes, root);
            var after = new SecureTrie(nodes, updated);
            Assert.Equal(ValueOf(50), before.Get(BitConverter.GetBytes(50)));
            Assert.Equal(ValueOf(50, version: 2), after.Get(BitConverter.GetBytes(50)));
            Assert.Equal(ValueOf(500), after.Get(BitConverter.GetBytes(500)));
        }
    }
}
