using System.Text;
using OpenLedger.Storage;
using Xunit;

namespace OpenLedger.State.Tests.Storage;

/// <summary>The behaviour every <see cref="IKeyValueStore"/> must have; run once per implementation.</summary>
public abstract class KeyValueStoreContractTests : IDisposable
{
    protected abstract IKeyValueStore Store { get; }

    public abstract void Dispose();

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void MissingKey_ReadsAsNull()
    {
        Assert.Null(Store.Get(DbColumn.Headers, B("nothing")));
        Assert.False(Store.Contains(DbColumn.Headers, B("nothing")));
    }

    [Fact]
    public void Put_ThenGet_ReturnsTheValue_AndOverwriteReplacesIt()
    {
        Store.Put(DbColumn.Blocks, B("k"), B("v1"));
        Assert.Equal(B("v1"), Store.Get(DbColumn.Blocks, B("k")));
        Assert.True(Store.Contains(DbColumn.Blocks, B("k")));
        Store.Put(DbColumn.Blocks, B("k"), B("v2"), sync: true);
        Assert.Equal(B("v2"), Store.Get(DbColumn.Blocks, B("k")));
    }

    [Fact]
    public void EmptyValue_IsStoredAndDistinctFromMissing()
    {
        Store.Put(DbColumn.Meta, B("empty"), []);
        Assert.Equal(Array.Empty<byte>(), Store.Get(DbColumn.Meta, B("empty")));
        Assert.True(Store.Contains(DbColumn.Meta, B("empty")));
    }

    [Fact]
    public void Columns_AreSeparateKeySpaces()
    {
        foreach (var column in DbColumnNames.All)
            Store.Put(column, B("same-key"), B(DbColumnNames.NameOf(column)));
        foreach (var column in DbColumnNames.All)
            Assert.Equal(B(DbColumnNames.NameOf(column)), Store.Get(column, B("same-key")));
        Store.Delete(DbColumn.Receipts, B("same-key"));
        Assert.Null(Store.Get(DbColumn.Receipts, B("same-key")));
        Assert.NotNull(Store.Get(DbColumn.TxIndex, B("same-key")));
    }

    [Fact]
    public void Delete_RemovesTheKey_AndDeletingAMissingKeyIsNotAnError()
    {
        Store.Put(DbColumn.Evidence, B("k"), B("v"));
        Store.Delete(DbColumn.Evidence, B("k"), sync: true);
        Assert.Null(Store.Get(DbColumn.Evidence, B("k")));
        Store.Delete(DbColumn.Evidence, B("never-there"));
        Assert.False(Store.Contains(DbColumn.Evidence, B("never-there")));
    }

    [Fact]
    public void ReturnedArrays_BelongToTheCaller()
    {
        var value = B("original");
        Store.Put(DbColumn.Consensus, B("k"), value);
        value[0] = (byte)'X';
        var read = Store.Get(DbColumn.Consensus, B("k"))!;
        Assert.Equal(B("original"), read);
        read[0] = (byte)'Y';
        Assert.Equal(B("original"), Store.Get(DbColumn.Consensus, B("k")));
    }

    [Fact]
    public void LargeValues_RoundTrip()
    {
        var large = new byte[1 << 20];
        new Random(7).NextBytes(large);
        Store.Put(DbColumn.Blocks, B("large"), large);
        var read = Store.Get(DbColumn.Blocks, B("large"));
        Assert.NotNull(read);
        // SequenceEqual rather than Assert.Equal: xunit compares collections element by element, slowly.
        Assert.True(large.AsSpan().SequenceEqual(read), "the 1 MB value came back different");
    }

    [Fact]
    public void Batch_IsInvisibleUntilWritten_ThenAppliedInOrder()
    {
        Store.Put(DbColumn.FlatState, B("doomed"), B("x"));
        using var batch = Store.CreateBatch();
        batch.Put(DbColumn.FlatState, B("a"), B("1"));
        batch.Put(DbColumn.Headers, B("b"), B("2"));
        batch.Delete(DbColumn.FlatState, B("doomed"));
        batch.Put(DbColumn.FlatState, B("put-then-delete"), B("3"));
        batch.Delete(DbColumn.FlatState, B("put-then-delete"));
        batch.Delete(DbColumn.FlatState, B("delete-then-put"));
        batch.Put(DbColumn.FlatState, B("delete-then-put"), B("4"));
        Assert.Equal(7, batch.Count);

        Assert.Null(Store.Get(DbColumn.FlatState, B("a")));
        Assert.NotNull(Store.Get(DbColumn.FlatState, B("doomed")));

        Store.Write(batch, sync: true);
        Assert.Equal(B("1"), Store.Get(DbColumn.FlatState, B("a")));
        Assert.Equal(B("2"), Store.Get(DbColumn.Headers, B("b")));
        Assert.Null(Store.Get(DbColumn.FlatState, B("doomed")));
        Assert.Null(Store.Get(DbColumn.FlatState, B("put-then-delete")));
        Assert.Equal(B("4"), Store.Get(DbColumn.FlatState, B("delete-then-put")));
    }

    [Fact]
    public void Batch_FromAnotherStore_IsRejected()
    {
        using var other = new MemoryStore();
        using var foreign = other.CreateBatch();
        foreign.Put(DbColumn.Meta, B("k"), B("v"));
        var error = Assert.Throws<ArgumentException>(() => Store.Write(foreign));
        Assert.Contains("different store", error.Message);
        Assert.Null(Store.Get(DbColumn.Meta, B("k")));
    }

    [Fact]
    public void Iterate_ReturnsKeysInUnsignedByteOrder_OnlyFromTheColumn()
    {
        byte[][] keys = [[0xff], [0x80], [0x7f], [0x00], [0x00, 0x00], [0x01, 0x02, 0x03], [0x01], [0x01, 0x02], [0xff, 0x00]];
        foreach (var key in keys) Store.Put(DbColumn.BlockNumbers, key, [.. key, 0xaa]);
        Store.Put(DbColumn.Receipts, [0x01, 0x05], [1]);

        var listed = Store.Iterate(DbColumn.BlockNumbers).ToList();
        var expectedOrder = keys.OrderBy(k => k, Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToList();
        Assert.Equal(expectedOrder, listed.Select(e => e.Key));
        foreach (var (key, value) in listed) Assert.Equal(key.Append((byte)0xaa).ToArray(), value);
    }

    [Fact]
    public void Iterate_WithPrefix_ReturnsExactlyTheKeysStartingWithIt()
    {
        byte[][] keys = [[0x01], [0x01, 0x00], [0x01, 0xff, 0x07], [0x02], [0x00, 0x01], [0x01, 0xff], [0xff], [0xff, 0xff]];
        foreach (var key in keys) Store.Put(DbColumn.TxIndex, key, key);

        Assert.Equal(new byte[][] { [0x01], [0x01, 0x00], [0x01, 0xff], [0x01, 0xff, 0x07] },
            Store.Iterate(DbColumn.TxIndex, [0x01]).Select(e => e.Key));
        Assert.Equal(new byte[][] { [0x01, 0xff], [0x01, 0xff, 0x07] },
            Store.Iterate(DbColumn.TxIndex, [0x01, 0xff]).Select(e => e.Key));
        Assert.Equal(new byte[][] { [0xff], [0xff, 0xff] }, Store.Iterate(DbColumn.TxIndex, [0xff]).Select(e => e.Key));
        Assert.Empty(Store.Iterate(DbColumn.TxIndex, [0x03]));
        Assert.Equal(keys.Length, Store.Iterate(DbColumn.TxIndex, []).Count());
    }

    [Fact]
    public void Iterate_SeesTheStoreAsItWasWhenItStarted()
    {
        Store.Put(DbColumn.Meta, [0x10], [1]);
        Store.Put(DbColumn.Meta, [0x20], [2]);
        var seen = new List<byte[]>();
        foreach (var (key, _) in Store.Iterate(DbColumn.Meta))
        {
            if (seen.Count == 0)
            {
                Store.Put(DbColumn.Meta, [0x30], [3]);
                Store.Delete(DbColumn.Meta, [0x20]);
            }
            seen.Add(key);
        }
        Assert.Equal(new byte[][] { [0x10], [0x20] }, seen);
        Assert.Equal(new byte[][] { [0x10], [0x30] }, Store.Iterate(DbColumn.Meta).Select(e => e.Key));
    }
}
