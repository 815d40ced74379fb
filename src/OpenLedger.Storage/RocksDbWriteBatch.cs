using RocksDbSharp;

namespace OpenLedger.Storage;

/// <summary>A RocksDB write batch bound to the store (and so the column family handles) that created it.</summary>
internal sealed class RocksDbWriteBatch(RocksDbStore owner) : IWriteBatch
{
    private readonly WriteBatch _batch = new();
    private bool _disposed;

    public RocksDbStore Owner { get; } = owner;

    public WriteBatch Native
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _batch;
        }
    }

    public int Count => _disposed ? 0 : _batch.Count();

    public void Put(DbColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _batch.Put(key, value, Owner.HandleOf(column));
    }

    public void Delete(DbColumn column, ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _batch.Delete(key, Owner.HandleOf(column));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _batch.Dispose();
    }
}
