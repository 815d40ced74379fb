namespace OpenLedger.Storage;

/// <summary>A <see cref="MemoryStore"/> batch: the operations in order, with their keys and values copied.</summary>
internal sealed class MemoryWriteBatch(MemoryStore owner) : IWriteBatch
{
    private readonly List<(DbColumn Column, byte[] Key, byte[]? Value)> _operations = [];
    private bool _disposed;

    public MemoryStore Owner { get; } = owner;

    public IReadOnlyList<(DbColumn Column, byte[] Key, byte[]? Value)> Operations
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _operations;
        }
    }

    public int Count => _operations.Count;

    public void Put(DbColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Check(column);
        _operations.Add((column, key.ToArray(), value.ToArray()));
    }

    public void Delete(DbColumn column, ReadOnlySpan<byte> key)
    {
        Check(column);
        _operations.Add((column, key.ToArray(), null));
    }

    public void Dispose()
    {
        _disposed = true;
        _operations.Clear();
    }

    private void Check(DbColumn column)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)column >= (uint)DbColumnNames.All.Count)
            throw new ArgumentOutOfRangeException(nameof(column), column, "unknown database column");
    }
}
