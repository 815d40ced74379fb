namespace OpenLedger.Storage;

/// <summary>
/// An in-memory <see cref="IKeyValueStore"/> with the same semantics as <see cref="RocksDbStore"/>: keys in
/// unsigned byte order, atomic batches, snapshot iteration, copies in and out. For tests and ephemeral nodes.
/// </summary>
public sealed class MemoryStore : IKeyValueStore
{
    private readonly object _gate = new();
    private readonly SortedDictionary<byte[], byte[]>[] _columns;
    private bool _disposed;

    public MemoryStore()
    {
        _columns = new SortedDictionary<byte[], byte[]>[DbColumnNames.All.Count];
        for (var i = 0; i < _columns.Length; i++) _columns[i] = new SortedDictionary<byte[], byte[]>(ByteArrayComparer.Instance);
    }

    public byte[]? Get(DbColumn column, ReadOnlySpan<byte> key)
    {
        var lookup = key.ToArray();
        lock (_gate)
        {
            return ColumnOf(column).TryGetValue(lookup, out var value) ? value.ToArray() : null;
        }
    }

    public bool Contains(DbColumn column, ReadOnlySpan<byte> key)
    {
        var lookup = key.ToArray();
        lock (_gate)
        {
            return ColumnOf(column).ContainsKey(lookup);
        }
    }

    public void Put(DbColumn column, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool sync = false)
    {
        var k = key.ToArray();
        var v = value.ToArray();
        lock (_gate)
        {
            ColumnOf(column)[k] = v;
        }
    }

    public void Delete(DbColumn column, ReadOnlySpan<byte> key, bool sync = false)
    {
        var k = key.ToArray();
        lock (_gate)
        {
            ColumnOf(column).Remove(k);
        }
    }

    public IWriteBatch CreateBatch()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }
        return new MemoryWriteBatch(this);
    }

    public void Write(IWriteBatch batch, bool sync = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch is not MemoryWriteBatch memoryBatch || !ReferenceEquals(memoryBatch.Owner, this))
            throw new ArgumentException("the batch was created by a different store", nameof(batch));
        var operations = memoryBatch.Operations;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Columns were checked when the operations were added, so nothing below can fail half-way.
            foreach (var op in operations)
            {
                var target = _columns[(int)op.Column];
                if (op.Value is null) target.Remove(op.Key);
                else target[op.Key] = op.Value;
            }
        }
    }

    public IEnumerable<(byte[] Key, byte[] Value)> Iterate(DbColumn column, byte[]? prefix = null)
    {
        // Collecting eagerly (on the first MoveNext) gives the snapshot semantics RocksDB iterators have.
        List<(byte[] Key, byte[] Value)> entries = [];
        lock (_gate)
        {
            foreach (var (key, value) in ColumnOf(column))
            {
                if (prefix is not null)
                {
                    var order = key.AsSpan(0, Math.Min(key.Length, prefix.Length)).SequenceCompareTo(prefix);
                    if (order < 0) continue;
                    if (order > 0 || key.Length < prefix.Length) break;
                }
                entries.Add((key.ToArray(), value.ToArray()));
            }
        }
        foreach (var entry in entries) yield return entry;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var column in _columns) column.Clear();
        }
    }

    private SortedDictionary<byte[], byte[]> ColumnOf(DbColumn column)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var index = (int)column;
        if ((uint)index >= (uint)_columns.Length)
            throw new ArgumentOutOfRangeException(nameof(column), column, "unknown database column");
        return _columns[index];
    }
}
