using RocksDbSharp;

namespace OpenLedger.Storage;

/// <summary>A RocksDB write batch bound to the store (and so the column family handles) that created it.</summary>
internal sealed class RocksDbWriteBatch : IWriteBatch
{
    private readonly WriteBatch _batch;
    private bool _disposed;

    public RocksDbWriteBatch(RocksDbStore owner, int reservedBytes = 0)
    {
        Owner = owner;
        _batch = reservedBytes > 0
            // RocksDB keeps a batch as one growing string; reserving it avoids the doublings (copies of megabytes).
            ? new WriteBatch(RocksDbSharp.Native.Instance.rocksdb_writebatch_create_with_params((UIntPtr)reservedBytes, UIntPtr.Zero, UIntPtr.Zero, UIntPtr.Zero))
            : new WriteBatch();
    }

    public RocksDbStore Owner { get; }

    public long EncodedBytes
    {
        get
        {
            if (_disposed) return 0;
            RocksDbSharp.Native.Instance.rocksdb_writebatch_data(_batch.Handle, out var size);
            return (long)size;
        }
    }

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
