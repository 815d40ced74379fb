using OpenLedger.Storage;

namespace OpenLedger.Chain.Tests.Genesis;

/// <summary>A store that counts the writes made through it, to tell whether opening a chain rebuilt anything.</summary>
public sealed class CountingStore(IKeyValueStore inner) : IKeyValueStore
{
    public int Writes { get; private set; }

    public byte[]? Get(DbColumn column, ReadOnlySpan<byte> key) => inner.Get(column, key);

    public bool Contains(DbColumn column, ReadOnlySpan<byte> key) => inner.Contains(column, key);

    public void Put(DbColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool sync = false)
    {
        Writes++;
        inner.Put(column, key, value, sync);
    }

    public void Delete(DbColumn column, ReadOnlySpan<byte> key, bool sync = false)
    {
        Writes++;
        inner.Delete(column, key, sync);
    }

    public IWriteBatch CreateBatch() => inner.CreateBatch();

    public void Write(IWriteBatch batch, bool sync = false)
    {
        Writes++;
        inner.Write(batch, sync);
    }

    public IEnumerable<(byte[] Key, byte[] Value)> Iterate(DbColumn column, byte[]? prefix = null) => inner.Iterate(column, prefix);

    /// <summary>The inner store outlives this wrapper (the test reopens it).</summary>
    public void Dispose()
    {
    }
}
